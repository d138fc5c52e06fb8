package dev.lancebridge.bench;

import dev.lancebridge.embed.InProcessModel;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.DebeziumServer;
import dev.lancebridge.support.Postgres;
import io.nats.client.JetStreamManagement;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.lance.Dataset;
import org.lance.ReadOptions;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * From Postgres through Debezium Server to searchable: the snapshot of a 100k-row table (10k
 * quick), against Debezium's own snapshot into the stream and the raw embedder; then rows
 * inserted at a steady rate, each timed from its commit to the moment a reader opening the
 * table's latest version sees it.
 */
final class DebeziumFigures {

    private static final int LAG_FIRST_ID = 10_000_000;

    private final Bench bench;

    DebeziumFigures(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/postgres"))) {
            System.out.println("Postgres 15 not installed (apt-get install postgresql): debezium skipped");
            return;
        }
        int rows = bench.quick ? 10_000 : 100_000;
        Path store = bench.work.resolve("store-debezium");
        try (Broker broker = new Broker(bench.work.resolve("nats-debezium"));
             Postgres postgres = Postgres.start()) {
            postgres.sql("CREATE TABLE docs (id int PRIMARY KEY, title text NOT NULL, body text, lang text)");
            Path tsv = bench.work.resolve("docs.tsv");
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < rows; i++) {
                lines.append(i).append('\t').append("doc ").append(i).append('\t')
                        .append(bench.corpus.text(i).replace("\\", "\\\\").replace("\t", " ")).append(" (#").append(i).append(")\ten\n");
            }
            Files.writeString(tsv, lines);
            postgres.sql("\\copy docs FROM '" + tsv + "'");
            try (BridgeProcess bridge = BridgeProcess.start(broker.url(), store, bench.log("debezium"), DebeziumServer.DOCS_TABLE);
                 DebeziumServer debezium = DebeziumServer.start(bench.work.resolve("debezium"), DebeziumServer.postgresToNats(broker.url(),
                         postgres.port(), bench.work.resolve("debezium-offsets.dat"), Duration.ofSeconds(10)),
                         bench.log("debezium-server"))) {
                long start = System.nanoTime();
                JetStreamManagement jsm = broker.connection.jetStreamManagement();
                double streamed = Double.NaN;
                while (true) {
                    long held = bridge.get("/tables/docs").get("rows").asLong();
                    if (Double.isNaN(streamed) && streamCount(jsm) >= rows) {
                        streamed = rows / ((System.nanoTime() - start) / 1e9);
                    }
                    if (held >= rows) {
                        break;
                    }
                    if (System.nanoTime() - start > Duration.ofMinutes(30).toNanos()) {
                        throw new IllegalStateException("the snapshot did not arrive within 30 minutes: " + held + " rows");
                    }
                    LockSupport.parkNanos(200_000_000);
                }
                double searchable = rows / ((System.nanoTime() - start) / 1e9);
                double raw = IngestFigures.rawEmbedRate(InProcessModel.MINILM, bench.corpus.texts.subList(0, bench.textsTimed));
                bench.results.pair("debezium_snapshot_vs_raw_embedder", "Postgres snapshot of " + rows + " rows → searchable"
                                + " (Debezium Server → JetStream → bridge, MiniLM in-process)", searchable, "rows/s",
                        "raw all-MiniLM-L6-v2 embedder, glosses", raw, "texts/s",
                        String.format("Debezium alone put the snapshot into the stream at %.0f rows/s", streamed));
                lag(postgres, store, broker, "", "");
                debezium.close();
                // Debezium's own knob for its part of the lag: how often its connector hands records to the sink
                Map<String, String> faster = new java.util.TreeMap<>(DebeziumServer.postgresToNats(broker.url(), postgres.port(),
                        bench.work.resolve("debezium-offsets.dat"), Duration.ofSeconds(10)));
                faster.put("debezium.source.poll.interval.ms", "100");
                try (DebeziumServer polling = DebeziumServer.start(bench.work.resolve("debezium"), faster, bench.log("debezium-server"))) {
                    lag(postgres, store, broker, "_poll100", ", Debezium poll.interval.ms=100");
                }
            }
        }
    }

    private static long streamCount(JetStreamManagement jsm) {
        try {
            return jsm.getStreamInfo("DebeziumStream").getStreamState().getMsgCount();
        } catch (Exception e) {
            return 0; // not created yet
        }
    }

    /** Inserts at a steady rate, one transaction each; commit → visible in the table's latest version. */
    private void lag(Postgres postgres, Path store, Broker broker, String key, String variant) throws Exception {
        int rate = 20;
        int total = rate * (bench.quick ? 10 : 30);
        Map<String, Long> committed = new ConcurrentHashMap<>();
        Map<String, Long> published = new ConcurrentHashMap<>();
        Map<String, Long> visible = new ConcurrentHashMap<>();
        // when each change reaches NATS: splits the lag into Debezium's part and the bridge's
        io.nats.client.Dispatcher onNats = broker.connection.createDispatcher(message -> {
            long now = System.nanoTime();
            try {
                String id = Results.JSON.readTree(message.getData()).path("payload").path("after").path("id").asText();
                published.putIfAbsent(id, now);
            } catch (java.io.IOException e) {
                // not a change: not timed
            }
        });
        onNats.subscribe("pg.public.docs");
        long snapshotPosition = lastPosition(store.resolve("docs.lance"));
        Thread watcher = new Thread(() -> FreshnessFigures.watch(store.resolve("docs.lance"), "source_position", snapshotPosition,
                total + 1, visible), "debezium-lag-watcher"); // + the warm-up row
        watcher.start();
        int firstId = LAG_FIRST_ID + (key.isEmpty() ? 0 : 1_000_000);
        // a freshly started Debezium takes seconds to stream: time only what comes once it does
        postgres.sql("INSERT INTO docs VALUES (" + (firstId - 1) + ", 'warm-up', 'warm-up', 'en')");
        long warmUp = System.nanoTime();
        while (!published.containsKey(Integer.toString(firstId - 1)) && System.nanoTime() - warmUp < 120_000_000_000L) {
            LockSupport.parkNanos(50_000_000);
        }
        long period = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int i = 0; i < total; i++) {
            LockSupport.parkNanos(next - System.nanoTime());
            int id = firstId + i;
            postgres.sql("INSERT INTO docs VALUES (" + id + ", 'lag " + i + "', '"
                    + bench.corpus.text(i).replace("'", "''") + "', 'en')");
            committed.put(Integer.toString(id), System.nanoTime());
            next += period;
        }
        watcher.join(120_000);
        broker.connection.closeDispatcher(onNats);
        List<Double> latencies = between(committed, visible);
        bench.results.latency("debezium_commit_to_searchable_" + rate + key, "Postgres commit → searchable at " + rate
                        + " rows/s (Debezium Server → JetStream → bridge, embedded in-process; " + total + " rows" + variant + ")",
                Stats.of(latencies), null, null, "Debezium's poll + batch-wait (100 ms) + embed/commit; reader polls every 5 ms");
        bench.results.latency("debezium_commit_to_nats_" + rate + key, "… of which Postgres commit → on NATS (Debezium Server)",
                Stats.of(between(committed, published)), null, null, "Debezium's poll.interval.ms (" + (key.isEmpty() ? "500 ms by default" : "100 ms")
                        + ")");
        bench.results.latency("debezium_nats_to_searchable_" + rate + key, "… of which on NATS → searchable (the bridge)",
                Stats.of(between(published, visible)), null, null, "batch-wait (100 ms) + embed/commit of the batch");
        bench.results.sample("Freshness: publish → searchable", "Postgres commit, " + rate + " rows/s" + variant, latencies);
    }

    /** Per id of {@code from}, the milliseconds until {@code to} saw it (infinite if it never did). */
    private static List<Double> between(Map<String, Long> from, Map<String, Long> to) {
        List<Double> millis = new ArrayList<>();
        from.forEach((id, at) -> {
            Long seen = to.get(id);
            millis.add(seen == null ? Double.POSITIVE_INFINITY : (seen - at) / 1e6);
        });
        return millis;
    }

    /** The highest source position the table holds. */
    private static long lastPosition(Path table) throws Exception {
        long last = 0;
        try (BufferAllocator allocator = new RootAllocator();
             Dataset dataset = Dataset.open(allocator, table.toString(), new ReadOptions.Builder().build());
             LanceScanner scanner = dataset.newScan(new ScanOptions.Builder().columns(List.of("source_position")).build());
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                BigIntVector positions = (BigIntVector) reader.getVectorSchemaRoot().getVector("source_position");
                for (int i = 0; i < positions.getValueCount(); i++) {
                    last = Math.max(last, positions.get(i));
                }
            }
        }
        return last;
    }
}
