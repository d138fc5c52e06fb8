package dev.lancebridge.store;

import dev.lancebridge.support.TableReads;
import dev.lancebridge.embed.InProcessEmbedder;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.support.WordNet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector index on 20k real WordNet vectors (MiniLM): built by maintenance past the threshold,
 * used by searches, recall@10 ≥ 0.95 against exact search with the bridge's default query
 * parameters, and rows committed after it still found until it is optimised. An integration test:
 * it needs a JVM of its own (the model's tokenizer library loads once per JVM, and the Quarkus
 * tests load it first) and embeds 20k glosses on its first run (cached under {@code target/}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VectorIndexIT {

    private static final int ROWS = 20_000;
    private static final int QUERIES = 100;
    /** The bridge's defaults ({@code bridge.search.nprobes/ef/refine}). */
    private static final int NPROBES = 20;
    private static final int EF = 100;
    private static final int REFINE = 2;

    @TempDir
    static Path dir;
    static LanceStore store;
    static LanceTable table;
    static List<float[]> vectors;
    static List<String> texts;

    @BeforeAll
    static void fill() throws Exception {
        try (InProcessEmbedder embedder = new InProcessEmbedder(Runtime.getRuntime().availableProcessors())) {
            vectors = WordNet.vectors(ROWS + QUERIES, embedder);
        }
        texts = WordNet.glosses(ROWS + QUERIES);
        store = new LanceStore(dir, new IndexPolicy(10_000, 100_000, 20, 150));
        table = store.open("glosses", 384, InProcessEmbedder.MODEL);
        for (int from = 0; from < ROWS; from += 2000) {
            table.commit(IntStream.range(from, from + 2000).mapToObj(VectorIndexIT::row).toList());
        }
    }

    @AfterAll
    static void close() {
        if (store != null) {
            store.close();
        }
    }

    private static Row row(int i) {
        return new Row("g-" + i, texts.get(i), vectors.get(i), InProcessEmbedder.MODEL, "glosses", i + 1, 1_700_000_000_000L);
    }

    @Test
    @Order(1)
    void belowTheThresholdSearchIsExactAndTheScalarIndexesExist() {
        assertEquals(Set.of("text_idx", "id_idx"), names(table.stats().indexes()));
        List<Map<String, Object>> hits = search(vectors.get(ROWS), null);
        assertExactDistances(vectors.get(ROWS), hits, 1e-5);
    }

    @Test
    @Order(2)
    void maintenanceBuildsTheVectorIndexAndSearchesUseIt() {
        MaintenanceStats pass = table.maintain(Duration.ofHours(1));
        assertEquals(MaintenanceStats.Outcome.OK, pass.outcome());
        assertEquals(List.of("vector_idx"), pass.indexesCreated());
        IndexInfo index = table.stats().indexes().stream().filter(i -> i.name().equals("vector_idx")).findFirst().orElseThrow();
        assertEquals(List.of("vector"), index.columns());
        assertEquals(ROWS, index.indexedRows());
        assertEquals(0, index.unindexedRows());
        // without re-ranking, distances are the index's 8-bit approximations: proof the index answered
        List<Map<String, Object>> approximate = search(vectors.get(ROWS), null);
        double worst = worstDistanceError(vectors.get(ROWS), approximate);
        assertTrue(worst > 1e-4, "distances are exact (" + worst + "): the index was not used");
    }

    @Test
    @Order(3)
    void recallAtTenIsAtLeast95PercentWithTheDefaults() {
        int found = 0;
        for (int q = ROWS; q < ROWS + QUERIES; q++) {
            Set<String> exact = exactTop10(vectors.get(q));
            for (Map<String, Object> hit : search(vectors.get(q), REFINE)) {
                if (exact.contains((String) hit.get(TableSchema.ID))) {
                    found++;
                }
            }
        }
        double recall = found / (QUERIES * 10.0);
        System.out.printf("recall@10 on %d WordNet vectors, nprobes %d ef %d refine %d: %.3f%n", ROWS, NPROBES, EF, REFINE, recall);
        assertTrue(recall >= 0.95, "recall@10 " + recall);
    }

    @Test
    @Order(4)
    void rowsCommittedAfterTheIndexAreFoundThenFoldedIn() {
        // new rows whose vectors are the query vectors: each must come back first, at distance ~0
        table.commit(IntStream.range(ROWS, ROWS + 50).mapToObj(VectorIndexIT::row).toList());
        IndexInfo index = vectorIndex();
        assertEquals(50, index.unindexedRows());
        for (int q = ROWS; q < ROWS + 50; q += 7) {
            assertEquals("g-" + q, search(vectors.get(q), REFINE).get(0).get(TableSchema.ID));
        }
        MaintenanceStats pass = table.maintain(Duration.ofHours(1));
        assertTrue(pass.indexesOptimized().contains("vector_idx"), pass.toString());
        assertEquals(0, vectorIndex().unindexedRows());
        assertEquals(ROWS + 50, vectorIndex().indexedRows());
        for (int q = ROWS; q < ROWS + 50; q += 7) {
            assertEquals("g-" + q, search(vectors.get(q), REFINE).get(0).get(TableSchema.ID));
        }
    }

    private static IndexInfo vectorIndex() {
        return table.stats().indexes().stream().filter(i -> i.name().equals("vector_idx")).findFirst().orElseThrow();
    }

    private static List<Map<String, Object>> search(float[] query, Integer refine) {
        return TableReads.rows(table, ScanRequest.nearest(query, 10, null, List.of()).tuned(NPROBES, EF, refine, false));
    }

    private static Set<String> names(List<IndexInfo> indexes) {
        Set<String> names = new HashSet<>();
        indexes.forEach(index -> names.add(index.name()));
        return names;
    }

    private static Set<String> exactTop10(float[] query) {
        List<Integer> rows = new ArrayList<>(IntStream.range(0, ROWS).boxed().toList());
        rows.sort(Comparator.comparingDouble(i -> cosineDistance(query, vectors.get(i))));
        Set<String> ids = new HashSet<>();
        rows.subList(0, 10).forEach(i -> ids.add("g-" + i));
        return ids;
    }

    private static void assertExactDistances(float[] query, List<Map<String, Object>> hits, double tolerance) {
        double worst = worstDistanceError(query, hits);
        assertTrue(worst < tolerance, "distance error " + worst);
    }

    private static double worstDistanceError(float[] query, List<Map<String, Object>> hits) {
        double worst = 0;
        for (Map<String, Object> hit : hits) {
            int i = Integer.parseInt(((String) hit.get(TableSchema.ID)).substring(2));
            double exact = cosineDistance(query, vectors.get(i));
            worst = Math.max(worst, Math.abs(exact - ((Number) hit.get(LanceTable.DISTANCE)).doubleValue()));
        }
        return worst;
    }

    private static double cosineDistance(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return 1 - dot / Math.sqrt(na * nb);
    }
}
