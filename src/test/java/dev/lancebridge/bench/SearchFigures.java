package dev.lancebridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lancebridge.embed.InProcessEmbedder;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.search.ArrowIpc;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.ScanRequest;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Scrape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Backlog drain (a stream full of events before the bridge starts: time and peak RSS), then
 * search latency on that table: HTTP JSON vs the same search in-process on the Lance dataset vs
 * LanceDB's Node SDK, k=10, cosine, brute force; on a table big enough for the vector index,
 * also the indexed search that the bridge answers by default.
 */
final class SearchFigures {

    private static final int WARMUP = 300;

    private final Bench bench;

    SearchFigures(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        for (int rows : bench.quick ? new int[] {10_000} : new int[] {10_000, 100_000}) {
            table(rows);
        }
    }

    private void table(int rows) throws Exception {
        String size = rows / 1000 + "k";
        Path store = bench.work.resolve("store-search-" + size);
        try (Broker broker = new Broker(bench.work.resolve("nats-search-" + size))) {
            for (int from = 0; from < rows; from += 20_000) {
                broker.publishAll("events.bench", Events.provided(bench.corpus, from, Math.min(rows, from + 20_000), false));
            }
            // One maintenance pass right after the drain (it builds the vector index once the table has
            // bridge.store.vector-index.min-rows, as the bridge would), none during the searches: the bridge
            // and the in-process reference then read the same version with the same fragments (a scan's
            // parallelism follows its fragments, so two layouts of one table search at different speeds)
            try (BridgeProcess bridge = BridgeProcess.start(broker.url(), store, bench.log("search-" + size), java.util.Map.of(
                    "BRIDGE_STORE_MAINTENANCE_INTERVAL", "24h"))) {
                Drain drain = Drain.watch(broker, bridge, rows);
                JsonNode pass = bridge.post("/tables/events/maintenance", "");
                boolean indexed = pass.get("indexes_created").toString().contains("vector");
                bench.results.single("search_layout_" + size, "table searched, " + rows + " rows", String.format(
                        "version %d, %d fragments after one maintenance pass (%d before)", bridge.get("/tables/events").get("version").asLong(),
                        pass.get("fragments_after").asInt(), pass.get("fragments_before").asInt()), "both sides read this version");
                bench.results.single("backlog_drain_" + size, "backlog drain, " + rows + " events with vectors, published before start",
                        String.format("%.1f s (%s events/s), peak RSS %d MiB", drain.seconds(), Results.fmt(drain.eventsPerSecond()),
                                drain.peakRssMiB()), "includes JVM start and model load; RSS is native (Lance, ONNX) + heap");
                searches(bridge, store, size, indexed);
            }
        }
    }

    /**
     * Brute force on every side ({@code exact}), which shows what HTTP adds to a search of a known cost;
     * then, on a table big enough to have its vector index, the search the bridge answers by default.
     */
    private void searches(BridgeProcess bridge, Path store, String size, boolean indexed) throws Exception {
        int count = bench.quick ? 100 : 300;
        Random random = new Random(7);
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            queries.add(bench.corpus.vectors.get(random.nextInt(bench.corpus.vectors.size())));
        }
        // interleaved, query by query, so that the machine's noise falls on all three alike; the first
        // WARMUP rounds are not counted: a server that has answered a few hundred requests is JIT-compiled
        List<Double> http = new ArrayList<>();
        List<Double> httpArrow = new ArrayList<>();
        List<Double> inProcess = new ArrayList<>();
        List<Double> overhead = new ArrayList<>();
        List<Double> emptyRoundTrip = new ArrayList<>();
        // what each side's process spent on its searches (CPU of every thread, page faults): tells a
        // gap made by HTTP from one made inside Lance (its brute force is memcpy- and fault-bound)
        ProcessUsage bridgeUsage = ProcessUsage.ZERO;
        ProcessUsage inProcessUsage = ProcessUsage.ZERO;
        // the bridge's own timer of its JSON searches (sum, count): splits the HTTP latency into the
        // search inside the bridge and what HTTP and JSON add around it
        double[] timedBefore = null;
        double[] timedAfter;
        Path queriesFile = bench.work.resolve("queries.json");
        Files.writeString(queriesFile, Results.JSON.writeValueAsString(queries));
        try (SearchReference reference = SearchReference.start(store, queriesFile, bench.log("search-reference-" + size))) {
            for (int i = 0; i < count + WARMUP; i++) {
                if (i == WARMUP) {
                    timedBefore = searchTimer(bridge);
                }
                float[] query = queries.get(i % count);
                String body = searchBody(query, true);
                ProcessUsage bridgeBefore = ProcessUsage.of(bridge.pid());
                long start = System.nanoTime();
                JsonNode answer = bridge.post("/tables/events/search", body);
                double jsonMs = (System.nanoTime() - start) / 1e6;
                ProcessUsage bridgeSpent = ProcessUsage.of(bridge.pid()).minus(bridgeBefore);
                if (answer.path("hits").size() != 10) {
                    throw new IllegalStateException("search answered " + answer);
                }
                start = System.nanoTime();
                long rows = ArrowCount.rows(bridge.stream("POST", "/tables/events/search", body, ArrowIpc.MEDIA_TYPE)).rows();
                double arrowMs = (System.nanoTime() - start) / 1e6;
                if (rows != 10) {
                    throw new IllegalStateException("Arrow search answered " + rows + " rows");
                }
                SearchReference.Answer local = reference.search(i % count, true);
                start = System.nanoTime();
                bridge.status("/q/health/live");
                double emptyMs = (System.nanoTime() - start) / 1e6;
                if (i >= WARMUP) {
                    http.add(jsonMs);
                    httpArrow.add(arrowMs);
                    inProcess.add(local.ms());
                    overhead.add(jsonMs - local.ms());
                    emptyRoundTrip.add(emptyMs);
                    bridgeUsage = bridgeUsage.plus(bridgeSpent);
                    inProcessUsage = inProcessUsage.plus(local.usage());
                }
            }
            timedAfter = searchTimer(bridge);
            if (indexed) {
                indexedSearches(bridge, reference, queries, size);
            }
        }
        double insideMs = (timedAfter[0] - timedBefore[0]) * 1000 / (timedAfter[1] - timedBefore[1]);
        List<Double> node = node(store.toString(), queriesFile);
        // the same brute-force searches from LanceDB's SDK through the bridge, as a remote LanceDB (db://, hostOverride)
        List<Double> remote = node(bridge.url(""), queriesFile);
        Stats httpStats = Stats.of(http);
        Stats inProcessStats = Stats.of(inProcess);
        bench.results.latency("search_http_json_" + size, "search " + size + " rows, HTTP JSON (k=10)", httpStats,
                "same search in-process on the Lance dataset (a JVM of its own)", inProcessStats,
                String.format("brute force over %s vectors; HTTP adds p50 %.1f ms per query"
                        + " (paired), of which %.1f ms is any HTTP round trip with this client (GET /q/health/live);"
                        + " means: HTTP %.1f ms, the bridge's search timer %.1f ms, in-process %.1f ms",
                        size, Stats.of(overhead).p(50), Stats.of(emptyRoundTrip).p(50), httpStats.mean(), insideMs, inProcessStats.mean()));
        bench.results.single("search_usage_" + size, "search " + size + " rows (k=10), per query: CPU and minor page faults",
                String.format("bridge (HTTP JSON): %.1f ms CPU, %,d faults; in-process: %.1f ms CPU, %,d faults",
                        bridgeUsage.cpuMs() / count, bridgeUsage.minorFaults() / count, inProcessUsage.cpuMs() / count,
                        inProcessUsage.minorFaults() / count),
                "CPU of every thread (10 ms ticks, summed); the faults vary run to run with glibc malloc's state on both sides");
        bench.results.latency("search_http_arrow_" + size, "search " + size + " rows, HTTP Arrow IPC (k=10)", Stats.of(httpArrow),
                "same search in-process on the Lance dataset (a JVM of its own)", inProcessStats, "as JSON, minus JSON encoding");
        export(bridge, store, size);
        if (node != null) {
            bench.results.latency("search_in_process_vs_lancedb_node_" + size, "search " + size + " rows, in-process Lance (Java)",
                    inProcessStats, "LanceDB Node SDK, same table and queries", Stats.of(node), "same engine; JNI vs N-API");
        }
        if (remote != null) {
            bench.results.latency("search_lancedb_remote_" + size, "search " + size + " rows, LanceDB Node SDK through the bridge"
                    + " (db:// with hostOverride, k=10)", Stats.of(remote), "REST JSON, same queries (the benchmark's Java client)",
                    httpStats, "brute force on both; the SDK decodes an Arrow IPC file answer, REST a JSON one; run after the REST"
                            + " searches, not interleaved");
        }
        bench.results.sample("Search latency, k=10", "HTTP JSON " + size, http);
        bench.results.sample("Search latency, k=10", "HTTP Arrow " + size, httpArrow);
        bench.results.sample("Search latency, k=10", "in-process " + size, inProcess);
        if (node != null) {
            bench.results.sample("Search latency, k=10", "LanceDB Node " + size, node);
        }
    }

    /** A k=10 search request for {@code query}: brute force when {@code exact}, else the bridge's default. */
    private static String searchBody(float[] query, boolean exact) throws Exception {
        return "{\"vector\": " + Results.JSON.writeValueAsString(query) + ", \"k\": 10" + (exact ? ", \"exact\": true}" : "}");
    }

    /** The search the bridge answers by default on a table with its vector index, paired with the same search in-process. */
    private void indexedSearches(BridgeProcess bridge, SearchReference reference, List<float[]> queries, String size) throws Exception {
        List<Double> http = new ArrayList<>();
        List<Double> inProcess = new ArrayList<>();
        List<Double> overhead = new ArrayList<>();
        int warmup = 50; // the JIT is warm from the brute-force rounds: this only fills the index cache
        for (int i = 0; i < queries.size() + warmup; i++) {
            String body = searchBody(queries.get(i % queries.size()), false);
            long start = System.nanoTime();
            if (bridge.post("/tables/events/search", body).path("hits").size() != 10) {
                throw new IllegalStateException("indexed search did not answer 10 hits");
            }
            double httpMs = (System.nanoTime() - start) / 1e6;
            SearchReference.Answer local = reference.search(i % queries.size(), false);
            if (i >= warmup) {
                http.add(httpMs);
                inProcess.add(local.ms());
                overhead.add(httpMs - local.ms());
            }
        }
        bench.results.latency("search_http_json_indexed_" + size, "search " + size + " rows, HTTP JSON, vector index (k=10)",
                Stats.of(http), "same search in-process on the Lance dataset (a JVM of its own)", Stats.of(inProcess),
                String.format("the bridge's default search at this size (IVF_HNSW_SQ, nprobes 20, ef 100, refine 2);"
                        + " HTTP adds p50 %.1f ms per query (paired)", Stats.of(overhead).p(50)));
        bench.results.sample("Search latency, k=10", "HTTP JSON indexed " + size, http);
        bench.results.sample("Search latency, k=10", "in-process indexed " + size, inProcess);
    }

    /** The whole table (every column, vectors included) exported as Arrow over HTTP, vs read in-process; RSS watched. */
    private void export(BridgeProcess bridge, Path store, String size) throws Exception {
        long rssBefore = bridge.rssMiB();
        long[] peak = {rssBefore};
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], bridge.rssMiB());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        long start = System.nanoTime();
        ArrowCount http = ArrowCount.rows(bridge.stream("GET", "/tables/events/rows?columns=text,vector,subject,stream_seq",
                null, ArrowIpc.MEDIA_TYPE));
        double httpSeconds = (System.nanoTime() - start) / 1e9;
        watcher.interrupt();
        watcher.join();
        long inProcessRows;
        start = System.nanoTime();
        try (LanceStore reader = new LanceStore(store)) {
            LanceTable table = reader.open("events", 384, InProcessEmbedder.MODEL);
            inProcessRows = table.scan(ScanRequest.rows(null, List.of("text", "vector", "subject", "stream_seq")), (arrow, version) -> {
                        long rows = 0;
                        while (arrow.loadNextBatch()) {
                            rows += arrow.getVectorSchemaRoot().getRowCount();
                        }
                        return rows;
                    });
        }
        double inProcessSeconds = (System.nanoTime() - start) / 1e9;
        if (http.rows() != inProcessRows) {
            throw new IllegalStateException("export gave " + http.rows() + " rows, the table has " + inProcessRows);
        }
        bench.results.pair("export_arrow_" + size, "export " + size + " rows as Arrow over HTTP (" + String.format("%.0f MB, %.0f MB/s",
                        http.bytes() / 1e6, http.bytes() / 1e6 / httpSeconds) + "; bridge RSS " + rssBefore + " → peak " + peak[0] + " MiB)",
                http.rows() / httpSeconds, "rows/s", "the same scan read in-process", inProcessRows / inProcessSeconds, "rows/s",
                "batches stream from the scanner to the socket; RSS must not grow with the table");
    }

    /** Sum (seconds) and count of {@code bridge.search.duration} for the JSON vector searches of the events table. */
    private static double[] searchTimer(BridgeProcess bridge) throws java.io.IOException {
        String scrape = bridge.text("/q/metrics");
        String tags = "{format=\"json\",mode=\"vector\",table=\"events\"}";
        return new double[] {Scrape.value(scrape, "bridge_search_duration_seconds_sum" + tags),
                Scrape.value(scrape, "bridge_search_duration_seconds_count" + tags)};
    }

    /** LanceDB's Node SDK timing the same queries on the same table; null when the SDK is not installed. */
    private List<Double> node(String storeOrUrl, Path queries) throws Exception {
        // stderr to a log: the SDK warns once per query
        JsonNode out = bench.node(storeOrUrl.startsWith("http") ? "node-remote-search" : "node-search", "bench-search.mjs", storeOrUrl, "events",
                queries.toString(), "10", Integer.toString(WARMUP));
        if (out == null) {
            return null;
        }
        List<Double> latencies = new ArrayList<>();
        out.get("latencies_ms").forEach(v -> latencies.add(v.asDouble()));
        return latencies;
    }
}
