package dev.lancebridge.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * What {@code GET /tables/{table}} shows about storage, as gauges per table ({@code table} tag):
 * rows, version, fragments, versions on disk, disk bytes, unindexed rows per index, and the last
 * maintenance pass. One scrape reads each table's stats once (they are cached for a second).
 */
@ApplicationScoped
public class StoreMetrics {

    private static final long FRESH_NANOS = 1_000_000_000L;

    private final MeterRegistry registry;
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();

    public StoreMetrics(MeterRegistry registry, LanceStore store) {
        this.registry = registry;
        Gauge.builder("bridge.store.cache.bytes", store, LanceStore::cacheBytes)
                .description("native memory Lance's caches hold (index pages, manifests, file metadata), all tables")
                .baseUnit("bytes").register(registry);
        Gauge.builder("bridge.store.cache.limit.bytes", store, LanceStore::cacheLimitBytes)
                .description("what Lance's caches may hold (index-cache + metadata-cache); full means indexes are re-read")
                .baseUnit("bytes").register(registry);
    }

    /** Registers the gauges of {@code table}. */
    public void watch(LanceTable table) {
        gauge(table, "bridge.table.rows", "rows in the latest version", TableStats::rows);
        gauge(table, "bridge.table.version", "latest committed version", TableStats::version);
        gauge(table, "bridge.table.fragments", "data fragments of the latest version", TableStats::fragments);
        gauge(table, "bridge.table.versions", "versions on disk", TableStats::versions);
        gauge(table, "bridge.table.disk.bytes", "bytes on disk, every version included", TableStats::diskBytes);
        for (String index : new String[] {TableIndexes.ID, TableIndexes.TEXT, TableIndexes.VECTOR}) {
            Gauge.builder("bridge.index.unindexed.rows", table, t -> snapshot(t).stats.indexes().stream()
                            .filter(i -> i.name().equals(index)).mapToDouble(IndexInfo::unindexedRows).findFirst().orElse(Double.NaN))
                    .description("rows an index does not cover yet (searched without it); NaN while the index does not exist")
                    .tags(Tags.of("table", table.name(), "index", index)).register(registry);
        }
        gauge(table, "bridge.maintenance.last.duration.seconds", "duration of the last maintenance pass",
                stats -> stats.lastMaintenance() == null ? Double.NaN : stats.lastMaintenance().durationMs() / 1000.0);
        gauge(table, "bridge.maintenance.last.success", "1 if the last maintenance pass succeeded, 0 if it failed",
                stats -> stats.lastMaintenance() == null ? Double.NaN : stats.lastMaintenance().outcome() == MaintenanceStats.Outcome.OK ? 1 : 0);
        gauge(table, "bridge.maintenance.last.timestamp.seconds", "when the last maintenance pass started (epoch seconds)",
                stats -> stats.lastMaintenance() == null ? Double.NaN : stats.lastMaintenance().at().getEpochSecond());
    }

    private void gauge(LanceTable table, String name, String description, ToDoubleFunction<TableStats> value) {
        Gauge.builder(name, table, t -> value.applyAsDouble(snapshot(t).stats))
                .description(description).tags(Tags.of("table", table.name())).register(registry);
    }

    private Snapshot snapshot(LanceTable table) {
        return snapshots.compute(table.name(), (name, previous) ->
                previous != null && System.nanoTime() - previous.at < FRESH_NANOS ? previous : new Snapshot(table.stats(), System.nanoTime()));
    }

    private record Snapshot(TableStats stats, long at) {
    }
}
