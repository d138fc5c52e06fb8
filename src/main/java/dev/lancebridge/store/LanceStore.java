package dev.lancebridge.store;

import dev.lancebridge.config.BridgeConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.lance.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store: one directory (or object-store prefix, see {@link StoreLocation}) of LanceDB tables. Owns the Arrow allocator and the Lance
 * session (caches) every table shares, and closes them.
 */
@ApplicationScoped
public class LanceStore implements AutoCloseable {

    private final StoreLocation location;
    /** Asks an {@code s3://} store what Lance cannot (conditional PUT, room for a write); null for other stores. */
    private final ObjectStoreProbe probe;
    private final BufferAllocator allocator = new RootAllocator();
    private final Session session;
    private final IndexPolicy indexPolicy;
    private final long cacheLimitBytes;
    private final Map<String, LanceTable> tables = new ConcurrentHashMap<>();
    private final Map<String, String> broken = new ConcurrentHashMap<>();
    private boolean closed;
    /** A commit writes at least a data file and a manifest: a store that cannot take this much cannot take a commit. */
    private static final int PROBE_BYTES = 64 * 1024;

    static {
        // once per JVM, before this JVM extracts its own copies
        NativeLeftovers.removeStale();
    }

    @Inject
    public LanceStore(BridgeConfig config) {
        this(StoreLocation.of(config.store().path(), config.store().options()), config.store().indexCache().asLongValue(),
                config.store().metadataCache().asLongValue(),
                indexPolicy(config.store().vectorIndex()));
    }

    /** A store with the default cache bounds and index policy (tests, tools). */
    public LanceStore(Path root) {
        this(root, IndexPolicy.DEFAULT);
    }

    public LanceStore(Path root, IndexPolicy indexPolicy) {
        this(StoreLocation.local(root), indexPolicy);
    }

    public LanceStore(StoreLocation location, IndexPolicy indexPolicy) {
        this(location, 1L << 30, 64L << 20, indexPolicy);
    }

    public LanceStore(StoreLocation location, long indexCacheBytes, long metadataCacheBytes, IndexPolicy indexPolicy) {
        this.location = location;
        this.probe = ObjectStoreProbe.of(location).orElse(null);
        this.session = Session.create(indexCacheBytes, metadataCacheBytes);
        this.cacheLimitBytes = indexCacheBytes + metadataCacheBytes;
        this.indexPolicy = indexPolicy;
    }

    private static IndexPolicy indexPolicy(dev.lancebridge.config.StoreSettings.VectorIndex config) {
        return new IndexPolicy(config.minRows(), config.rowsPerPartition(), config.m(), config.efConstruction());
    }

    public StoreLocation location() {
        return location;
    }

    /** Native memory Lance's caches (index pages, manifests and file metadata) hold now, all tables together. */
    public long cacheBytes() {
        return session.sizeBytes();
    }

    /** What the caches may hold: {@code bridge.store.index-cache} plus {@code metadata-cache}. */
    public long cacheLimitBytes() {
        return cacheLimitBytes;
    }

    /**
     * True when the caches are (nearly) full. Then an index that does not fit is read again on
     * every search, which makes it slower than brute force (bench/REPORT.md, vector index).
     */
    public boolean cacheFull() {
        return cacheBytes() >= cacheLimitBytes * 0.95;
    }

    /** Opens (creating if needed) the table {@code name} without declared columns, for vectors of {@code dimension} made by {@code model}. */
    public LanceTable open(String name, int dimension, String model) {
        return open(name, TableLayout.plain(dimension, model));
    }

    /**
     * Opens (creating if needed) the table {@code name} laid out as {@code layout}.
     *
     * @throws IncompatibleTableException when the stored table cannot take the layout
     */
    public LanceTable open(String name, TableLayout layout) {
        return tables.computeIfAbsent(name, n -> {
            if (location.local()) {
                try {
                    Files.createDirectories(location.directory());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create the store directory " + location, e);
                }
            }
            return LanceTable.open(n, location, allocator.newChildAllocator(n, 0, Long.MAX_VALUE), session, layout, indexPolicy);
        });
    }

    /**
     * Refuses to go on (an {@link UnsafeStoreException}) when commits to this store could be lost:
     * an object store that ignores conditional PUT. Called once by the writer before it opens a table.
     */
    public void requireSafeCommits() {
        if (probe != null) {
            probe.requireConditionalPut();
        }
    }

    /**
     * Opens the table {@code name} for a search replica: read-only, following its writer's commits.
     * Empty while the writer has not created it yet (ask again later).
     */
    public Optional<LanceTable> openReadOnly(String name, TableLayout layout) {
        return Optional.ofNullable(tables.compute(name, (n, open) -> {
            if (open != null) {
                return open;
            }
            BufferAllocator tableAllocator = allocator.newChildAllocator(n, 0, Long.MAX_VALUE);
            Optional<LanceTable> found = LanceTable.openReadOnly(n, location, tableAllocator, session, layout, indexPolicy);
            if (found.isEmpty()) {
                tableAllocator.close();
            }
            return found.orElse(null);
        }));
    }

    /** Records that {@code name} could not be opened: it is out of service, the other tables are not. */
    public void markBroken(String name, String reason) {
        broken.put(name, reason);
    }

    /** Why {@code name} could not be opened at start-up; empty when it is open or was never tried. */
    public Optional<String> broken(String name) {
        return Optional.ofNullable(broken.get(name));
    }

    /** The model and dimension the vectors of the stored table {@code name} are from; empty when there is no such table yet. */
    public Optional<StoredEmbedding> storedEmbedding(String name) {
        String uri = location.uri(name + ".lance");
        Optional<org.lance.Dataset> stored;
        try {
            stored = location.open(allocator, uri, session);
        } catch (Exception e) { // Lance's JNI throws IOException undeclared
            throw new StoreException("could not read table '" + name + "' at " + uri + ": " + e.getMessage(), e);
        }
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try (org.lance.Dataset dataset = stored.get()) {
            org.apache.arrow.vector.types.pojo.Schema schema = dataset.getSchema();
            return Optional.of(new StoredEmbedding(SchemaEvolution.storedModel(schema).orElse(null),
                    SchemaEvolution.storedDimension(schema)));
        }
    }

    public Optional<LanceTable> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    /**
     * True when the store takes writes: a small probe file can be written and synced (a full
     * disk or a read-only directory refuses it; permissions alone would not tell a full disk),
     * or on an object store, a small object can be put.
     */
    public boolean writable() {
        if (!location.local()) {
            return probe == null || probe.writable(PROBE_BYTES); // gs:// and az:// are not probed
        }
        Path probe = location.directory().resolve(".write-probe");
        try {
            try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.allocate(PROBE_BYTES));
                channel.force(false);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // read-only: nothing was written
            }
        }
    }

    /** Closes every table, then the session and allocator; later calls do nothing. */
    @PreDestroy
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        tables.values().forEach(LanceTable::close);
        tables.clear();
        if (probe != null) {
            probe.close();
        }
        session.close();
        try {
            allocator.close();
        } catch (IllegalStateException e) {
            // a table abandoned mid-index-build still holds buffers; the process is exiting
        }
    }
}
