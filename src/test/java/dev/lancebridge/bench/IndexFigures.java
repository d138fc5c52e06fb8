package dev.lancebridge.bench;

import dev.lancebridge.support.TableReads;
import dev.lancebridge.embed.InProcessEmbedder;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.store.IndexPolicy;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.StoreLocation;
import dev.lancebridge.store.MaintenanceStats;
import dev.lancebridge.store.ScanRequest;
import dev.lancebridge.store.TableSchema;
import dev.lancebridge.store.TableStats;
import dev.lancebridge.support.WordNet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vector index on the store's own code path (in-process, vectors precomputed): the build time
 * of the maintenance pass that creates it, search latency with it vs brute force on the same
 * table and queries, and recall@10 of the bridge's default query parameters. Rows are the MiniLM
 * vectors of all 82k WordNet glosses (20k in a quick run), then jittered copies of them; queries
 * are 100 held-out glosses.
 */
final class IndexFigures {

    private static final int QUERIES = 100;
    private static final int WARMUP = 20;

    private final Bench bench;

    IndexFigures(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        List<float[]> real;
        try (InProcessEmbedder embedder = new InProcessEmbedder(Runtime.getRuntime().availableProcessors())) {
            // cached after the first run: all 82k glosses take ~9 min; a quick run uses the 20k the tests embed
            real = WordNet.vectors(bench.quick ? 20_100 : WordNet.AVAILABLE, embedder);
        }
        List<float[]> queries = real.subList(real.size() - QUERIES, real.size());
        Corpus rows = new Corpus(bench.corpus.texts, real.subList(0, real.size() - QUERIES), 0);
        for (int count : bench.quick ? new int[] {100_000} : new int[] {100_000, 1_000_000}) {
            table(count, rows, queries);
        }
    }

    private void table(int count, Corpus rows, List<float[]> queries) throws Exception {
        String size = count >= 1_000_000 ? count / 1_000_000 + "M" : count / 1000 + "k";
        Path store = bench.work.resolve("store-index-" + size);
        // the index is built by the first maintenance pass, as the bridge would once the table passes the threshold
        // the bridge's default index cache, or BRIDGE_STORE_INDEX_CACHE (e.g. 2G) as the bridge would read it
        long cache = new io.quarkus.runtime.configuration.MemorySizeConverter()
                .convert(System.getenv().getOrDefault("BRIDGE_STORE_INDEX_CACHE", "1G")).asLongValue();
        try (LanceStore lance = new LanceStore(StoreLocation.local(store), cache, 64L << 20, new IndexPolicy(count, 100_000, 20, 150))) {
            LanceTable table = lance.open("events", 384, InProcessEmbedder.MODEL);
            for (int from = 0; from < count; from += 10_000) {
                List<Row> batch = new ArrayList<>(10_000);
                for (int i = from; i < Math.min(count, from + 10_000); i++) {
                    batch.add(new Row("b-" + i, rows.text(i), rows.vector(i), InProcessEmbedder.MODEL, "events.bench", i + 1,
                            1_700_000_000_000L));
                }
                table.commit(batch);
            }
            MaintenanceStats pass = table.maintain(Duration.ofHours(1));
            TableStats stats = table.stats();
            if (!pass.indexesCreated().contains("vector_idx")) {
                throw new IllegalStateException("no vector index built: " + pass);
            }
            bench.results.single("index_build_" + size, "maintenance pass that builds the vector index, " + size + " rows",
                    String.format("%.1f s (IVF_HNSW_SQ, %d partition(s); compaction %d → %d fragments; %.0f MB on disk)",
                            pass.durationMs() / 1000.0, Math.max(1, count / 100_000), pass.fragmentsBefore(), pass.fragmentsAfter(),
                            stats.diskBytes() / 1e6), "2 cores; ingest goes on meanwhile (the build runs outside the writer's lock); index cache "
                            + (cache >> 20) + " MiB");

            List<Double> exact = new ArrayList<>();
            List<Double> indexed = new ArrayList<>();
            int found = 0;
            for (int i = 0; i < QUERIES + WARMUP; i++) {
                float[] query = queries.get(i % QUERIES);
                long start = System.nanoTime();
                List<Map<String, Object>> truth = TableReads.rows(table, search(query, List.of(), true));
                double exactMs = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                List<Map<String, Object>> hits = TableReads.rows(table, search(query, List.of(), false));
                double indexedMs = (System.nanoTime() - start) / 1e6;
                if (i >= WARMUP) {
                    exact.add(exactMs);
                    indexed.add(indexedMs);
                    Set<Object> ids = new HashSet<>();
                    truth.forEach(hit -> ids.add(hit.get(TableSchema.ID)));
                    found += (int) hits.stream().filter(hit -> ids.contains(hit.get(TableSchema.ID))).count();
                }
            }
            double recall = found / (QUERIES * 10.0);
            bench.results.latency("search_indexed_" + size, String.format("search %s rows with the vector index (k=10, recall@10 %.3f)",
                            size, recall), Stats.of(indexed), "brute force, same table and queries", Stats.of(exact),
                    "defaults nprobes 20, ef 100, refine 2 (exact distances for the 20 candidates); index cache " + (cache >> 20) + " MiB");
            bench.results.sample("Indexed vs brute-force search, k=10", "index " + size, indexed);
            bench.results.sample("Indexed vs brute-force search, k=10", "brute force " + size, exact);
        }
    }

    /** A k=10 search with the bridge's query defaults (bridge.search.nprobes, .ef, .refine): brute force when {@code exact}. */
    static ScanRequest search(float[] query, List<String> columns, boolean exact) {
        return ScanRequest.nearest(query, 10, null, columns).tuned(20, 100, 2, exact);
    }
}
