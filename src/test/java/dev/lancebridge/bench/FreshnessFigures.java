package dev.lancebridge.bench;

import dev.lancebridge.support.BridgeProcess;
import io.nats.client.JetStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.lance.Dataset;
import org.lance.ReadOptions;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Freshness: events published at a steady rate, each timed from publish to the moment a reader
 * opening the table's latest version sees it (what every search does). 50 events/s embedded
 * in-process, 500 events/s with vectors provided.
 */
final class FreshnessFigures {

    private final Bench bench;

    FreshnessFigures(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        int seconds = bench.quick ? 10 : 30;
        measure("embedded", 50, seconds, false);
        measure("provided", 500, seconds, true);
    }

    private void measure(String name, int rate, int seconds, boolean withVectors) throws Exception {
        Path store = bench.work.resolve("store-fresh-" + name);
        try (Broker broker = new Broker(bench.work.resolve("nats-fresh-" + name));
             BridgeProcess bridge = BridgeProcess.start(broker.url(), store, bench.log("fresh-" + name))) {
            int total = rate * seconds;
            Map<String, Long> published = new ConcurrentHashMap<>();
            Map<String, Long> visible = new ConcurrentHashMap<>();
            Thread watcher = new Thread(() -> watch(store.resolve("events.lance"), "stream_seq", 0, total, visible), "freshness-watcher");
            watcher.start();
            JetStream js = broker.js();
            long period = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (int i = 0; i < total; i++) {
                LockSupport.parkNanos(next - System.nanoTime());
                String id = "f-" + i;
                byte[] payload = withVectors ? Events.withVector(id, bench.corpus.text(i), bench.corpus.vector(i), false)
                        : Events.text(id, bench.corpus.text(i));
                published.put(id, System.nanoTime());
                js.publishAsync("events.fresh", payload);
                next += period;
            }
            watcher.join(120_000);
            List<Double> latencies = new ArrayList<>();
            published.forEach((id, at) -> {
                Long seen = visible.get(id);
                latencies.add(seen == null ? Double.POSITIVE_INFINITY : (seen - at) / 1e6);
            });
            Stats stats = Stats.of(latencies);
            String figure = "freshness at " + rate + " events/s, " + (withVectors ? "vectors provided" : "embedded in-process")
                    + " (" + total + " events)";
            bench.results.latency("freshness_" + name + "_" + rate, figure, stats, null, null,
                    "batch-wait (100 ms) + embed/commit of the batch; reader polls every 5 ms");
            bench.results.sample("Freshness: publish → searchable", rate + " ev/s, " + name, latencies);
        }
    }

    /**
     * Polls the latest version of {@code table} every 5 ms for rows whose {@code order} column
     * ({@code stream_seq}, or a Debezium table's {@code source_position}) is past the last seen,
     * starting after {@code after}; records when each id first showed.
     */
    static void watch(Path table, String order, long after, int total, Map<String, Long> visible) {
        long last = after;
        long deadline = System.nanoTime() + 300_000_000_000L;
        try (BufferAllocator allocator = new RootAllocator()) {
            while (visible.size() < total && System.nanoTime() < deadline) {
                try (Dataset dataset = Dataset.open(allocator, table.toString(), new ReadOptions.Builder().build());
                     LanceScanner scanner = dataset.newScan(new ScanOptions.Builder()
                             .columns(List.of("id", order)).filter(order + " > " + last).build());
                     ArrowReader reader = scanner.scanBatches()) {
                    long now = System.nanoTime();
                    while (reader.loadNextBatch()) {
                        VectorSchemaRoot root = reader.getVectorSchemaRoot();
                        VarCharVector ids = (VarCharVector) root.getVector("id");
                        BigIntVector orders = (BigIntVector) root.getVector(order);
                        for (int i = 0; i < root.getRowCount(); i++) {
                            visible.putIfAbsent(new String(ids.get(i), StandardCharsets.UTF_8), now);
                            last = Math.max(last, orders.get(i));
                        }
                    }
                } catch (Exception e) {
                    // the table may be between commits or not created yet: look again
                }
                LockSupport.parkNanos(5_000_000);
            }
        }
    }
}
