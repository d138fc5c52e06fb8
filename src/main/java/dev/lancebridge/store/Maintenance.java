package dev.lancebridge.store;

import dev.lancebridge.config.DaemonThreads;
import dev.lancebridge.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps every table fast without a cron job: each {@code bridge.store.maintenance-interval} a
 * table is compacted, its old versions cleaned up, its vector index built once it is big enough
 * and its indexes brought up to date ({@link LanceTable#maintain}). Also on demand.
 */
@ApplicationScoped
public class Maintenance {

    private static final Logger LOG = Logger.getLogger(Maintenance.class);

    private final BridgeConfig config;
    private final LanceStore store;
    /** When the last "cache full" warning was logged (nanoTime), 0 before the first. */
    private volatile long cacheWarnedAt;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("maintenance"));

    public Maintenance(BridgeConfig config, LanceStore store) {
        this.config = config;
        this.store = store;
    }

    /** Maintains {@code table} every interval, starting one interval from now. */
    public void schedule(LanceTable table) {
        long every = config.store().maintenanceInterval().toMillis();
        schedule.scheduleWithFixedDelay(() -> {
            try {
                run(table);
            } catch (StoreException e) {
                LOG.warnf("table %s: maintenance failed, will try again in %s: %s", table.name(),
                        config.store().maintenanceInterval(), e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** One pass now (waits for a pass already running). */
    public MaintenanceStats run(LanceTable table) {
        MaintenanceStats pass = table.maintain(config.store().versionRetention());
        boolean indexed = !pass.indexesCreated().isEmpty();
        LOG.logf(indexed ? Logger.Level.INFO : Logger.Level.DEBUG,
                "table %s: maintenance in %d ms: fragments %d -> %d, %d old versions removed (%d bytes), indexes built %s,"
                        + " optimised %s, version %d", table.name(), pass.durationMs(), pass.fragmentsBefore(),
                pass.fragmentsAfter(), pass.versionsRemoved(), pass.bytesRemoved(), pass.indexesCreated(),
                pass.indexesOptimized(), pass.version());
        warnIfCacheFull();
        return pass;
    }

    /** At most every 10 minutes: searches are much slower when an index no longer fits in the cache. */
    private void warnIfCacheFull() {
        long now = System.nanoTime();
        if (store.cacheFull() && (cacheWarnedAt == 0 || now - cacheWarnedAt > 600_000_000_000L)) {
            cacheWarnedAt = now;
            LOG.warnf("Lance's caches are full (%d of %d MiB): an index that does not fit is read again by every search,"
                    + " which can make an indexed search slower than brute force. Raise bridge.store.index-cache (a 1M-row"
                    + " 384-dim vector index takes ~1.7 GiB) and the container's memory limit with it.",
                    store.cacheBytes() >> 20, store.cacheLimitBytes() >> 20);
        }
    }

    /** Stops scheduling; a pass under way finishes or is abandoned when the store closes. */
    public void stop() {
        schedule.shutdownNow();
    }
}
