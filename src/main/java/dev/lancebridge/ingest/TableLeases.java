package dev.lancebridge.ingest;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One writer per table across replicas: before a writer opens a table it takes the table's lease,
 * a key in the NATS KV bucket {@value #BUCKET} whose value names the owner. A key that another
 * owner holds refuses the take; the owner renews it (a compare-and-set on its revision) every
 * third of the bucket's TTL, and lets it go when it stops. A writer that died keeps the lease
 * until the TTL passes; the same writer restarted (same {@code bridge.writer.id}) takes it back at once.
 *
 * <p>The lease guards against a configuration mistake (two replicas naming one table), not
 * against a paused owner: Lance's conditional commits keep the table whole either way.
 */
public final class TableLeases implements AutoCloseable {

    public static final String BUCKET = "bridge_table_leases";
    private static final Logger LOG = Logger.getLogger(TableLeases.class);

    private final KeyValue leases;
    private final String owner;
    private final byte[] value;
    private final Duration ttl;
    /** table -> the revision of our lease. */
    private final Map<String, Long> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewal = Executors.newSingleThreadScheduledExecutor(
            dev.lancebridge.config.DaemonThreads.named("table-leases"));

    private TableLeases(KeyValue leases, String owner, String store, Duration ttl) {
        this.leases = leases;
        this.owner = owner;
        this.value = ("owner=" + owner + "\nstore=" + store + "\n").getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
    }

    /** The bucket (created with {@code ttl} if missing; an existing one keeps its own TTL). */
    public static TableLeases open(Connection connection, String owner, String store, Duration ttl) throws IOException {
        try {
            KeyValueManagement management = connection.keyValueManagement();
            Duration bucketTtl;
            try {
                bucketTtl = management.getStatus(BUCKET).getConfiguration().getTtl();
            } catch (JetStreamApiException missing) {
                management.create(KeyValueConfiguration.builder().name(BUCKET).ttl(ttl).maxHistoryPerKey(1)
                        .storageType(StorageType.File).description("Lance Event Bridge: which writer owns which table").build());
                bucketTtl = ttl;
            }
            return new TableLeases(connection.keyValue(BUCKET), owner, store, bucketTtl);
        } catch (JetStreamApiException e) {
            throw new IOException("cannot open the NATS KV bucket " + BUCKET + " of table leases: " + e.getMessage(), e);
        }
    }

    /**
     * Takes the lease of every table, or none: a table another owner holds throws
     * {@link TableOwnedException} (and the leases taken so far are let go).
     */
    public void takeAll(Collection<String> tables) throws IOException {
        List<String> taken = new ArrayList<>();
        try {
            for (String table : tables) {
                held.put(table, take(table));
                taken.add(table);
            }
        } catch (IOException | RuntimeException e) {
            taken.forEach(this::release);
            throw e;
        }
    }

    /** Renews every lease every third of the TTL; {@code lost} hears of a table whose lease another owner took meanwhile. */
    public void keepRenewed(Consumer<String> lost) {
        long every = Math.max(1, ttl.toMillis() / 3);
        renewal.scheduleWithFixedDelay(() -> held.keySet().forEach(table -> renew(table, lost)), every, every, TimeUnit.MILLISECONDS);
    }

    private long take(String table) throws IOException {
        try {
            KeyValueEntry current = leases.get(table);
            if (current == null || current.getOperation() != KeyValueOperation.PUT) {
                return leases.create(table, value);
            }
            String holder = ownerOf(current);
            if (holder.equals(owner)) {
                return leases.update(table, value, current.getRevision()); // ours, from before a restart
            }
            Instant since = current.getCreated() == null ? null : current.getCreated().toInstant();
            throw new TableOwnedException(table, holder, since, ttl);
        } catch (JetStreamApiException e) {
            // the key appeared or changed between the read and the write: someone else took it just now
            KeyValueEntry now = get(table);
            throw new TableOwnedException(table, now == null ? "another writer" : ownerOf(now), null, ttl);
        }
    }

    private KeyValueEntry get(String table) {
        try {
            return leases.get(table);
        } catch (IOException | JetStreamApiException e) {
            return null;
        }
    }

    private void renew(String table, Consumer<String> lost) {
        Long revision = held.get(table);
        if (revision == null) {
            return;
        }
        try {
            held.put(table, leases.update(table, value, revision));
        } catch (JetStreamApiException e) {
            // the lease expired (NATS was away longer than the TTL) and someone else took it
            held.remove(table);
            LOG.errorf("table %s: this writer (%s) lost its lease: %s", table, owner, e.getMessage());
            lost.accept(table);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("table %s: could not renew the lease (tried again in %s ms): %s", table, ttl.toMillis() / 3, e.getMessage());
        }
    }

    private void release(String table) {
        Long revision = held.remove(table);
        try {
            if (revision != null) {
                leases.delete(table, revision);
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debugf("table %s: the lease was not let go (it expires by itself): %s", table, e.getMessage());
        }
    }

    /** The owner named in a lease's value. */
    static String ownerOf(KeyValueEntry entry) {
        String text = entry.getValueAsString();
        if (text == null) {
            return "";
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("owner=")) {
                return line.substring("owner=".length());
            }
        }
        return text;
    }

    /** The tables this writer holds the lease of. */
    public java.util.Set<String> held() {
        return java.util.Collections.unmodifiableSet(held.keySet());
    }

    /** Stops renewing and lets every lease go. */
    @Override
    public void close() {
        renewal.shutdownNow();
        List.copyOf(held.keySet()).forEach(this::release);
    }
}
