package dev.lancebridge.store;

import dev.lancebridge.support.TableReads;
import static dev.lancebridge.store.TableSchema.BUILT_IN_COLUMNS;

import dev.lancebridge.config.ColumnDeclaration;
import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.embed.LanceDbFunction;
import dev.lancebridge.embed.StoredVectors;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.support.Declared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A table with declared columns on a real Lance dataset: types, filters, metadata, evolution, and what start-up refuses. */
class DeclaredTableTest {

    private static final int DIM = 4;
    private static final LanceDbFunction MINILM = new LanceDbFunction(LanceDbFunction.SENTENCE_TRANSFORMERS, "m1");

    @TempDir
    Path dir;

    private static List<ColumnDeclaration> columns(Map<String, dev.lancebridge.config.BridgeConfig.Column> declared) {
        return TableDeclaration.of("orders", Declared.Table.of("SHOP", "shop.>").withColumns(declared), BUILT_IN_COLUMNS).columns();
    }

    private static final List<ColumnDeclaration> ALL_TYPES = columns(Map.of(
            "sku", Declared.Column.of("string"), "quantity", Declared.Column.of("int"), "cents", Declared.Column.of("long"),
            "total", Declared.Column.of("double"), "paid", Declared.Column.of("boolean"),
            "shipped_at", Declared.Column.of("timestamp"), "tags", Declared.Column.of("list<string>"),
            "extra", Declared.Column.of("json")));

    /** A row of {@code columns} (in their sorted order: cents, extra, paid, quantity, shipped_at, sku, tags, total). */
    private static Row row(String id, long seq, Object... values) {
        String text = "order " + id;
        return new Row(id, text, Row.hash(text), new float[] {seq, 1, 0, 0}, "m1", "shop.orders", seq, 1_700_000_000_000L, values);
    }

    @Test
    void typedColumnsRoundTripAndFilter() {
        try (LanceStore store = new LanceStore(dir)) {
            LanceTable table = store.open("orders", new TableLayout(ALL_TYPES, DIM, "m1", MINILM));
            table.commit(List.of(
                    row("a", 1, 12345678901L, "{\"gift\":true}", true, 3, 1_750_000_000_000L, "K-1", List.of("red", "steel"), 19.5),
                    row("b", 2, null, null, false, 1, null, "K-2", List.of(), 4.25),
                    row("c", 3, null, null, null, null, null, null, null, null)));
            Map<String, Object> a = TableReads.rows(table, scan("id = 'a'")).get(0);
            assertEquals(12345678901L, a.get("cents"));
            assertEquals("{\"gift\":true}", a.get("extra"));
            assertEquals(true, a.get("paid"));
            assertEquals(3, a.get("quantity"));
            assertEquals("2025-06-15T15:06:40Z", a.get("shipped_at"));
            assertEquals("K-1", a.get("sku"));
            assertEquals(List.of("red", "steel"), a.get("tags"));
            assertEquals(19.5, a.get("total"));
            Map<String, Object> c = TableReads.rows(table, scan("id = 'c'")).get(0);
            assertEquals(Arrays.asList(null, null, null, null), Arrays.asList(c.get("sku"), c.get("tags"), c.get("total"), c.get("paid")));
            assertEquals(List.of("a"), ids(table, "total > 10 AND paid AND quantity >= 3"));
            assertEquals(List.of("b"), ids(table, "sku = 'K-2' AND NOT paid"));
            assertEquals(List.of("a"), ids(table, "shipped_at > TIMESTAMP '2025-01-01 00:00:00'"));
            assertEquals(List.of("a"), ids(table, "array_has(tags, 'red')"));
            assertEquals(List.of("c"), ids(table, "sku IS NULL"));
        }
    }

    private static ScanRequest scan(String filter) {
        return ScanRequest.rows(filter, List.of("cents", "extra", "paid", "quantity", "shipped_at", "sku", "tags", "total")).paged(100, 0);
    }

    private static List<String> ids(LanceTable table, String filter) {
        return TableReads.rows(table, scan(filter)).stream().map(r -> (String) r.get("id")).sorted().toList();
    }

    @Test
    void theSchemaSaysWhichModelMadeTheVectorsAndWhatLanceDbCallsIt() {
        try (LanceStore store = new LanceStore(dir)) {
            store.open("orders", new TableLayout(ALL_TYPES, DIM, "bge-small-en-v1.5-q",
                    new LanceDbFunction(LanceDbFunction.SENTENCE_TRANSFORMERS, "BAAI/bge-small-en-v1.5")));
            store.open("clips", new TableLayout(List.of(), DIM, "clip", null));
        }
        try (org.lance.Dataset orders = org.lance.Dataset.open(dir.resolve("orders.lance").toString());
             org.lance.Dataset clips = org.lance.Dataset.open(dir.resolve("clips.lance").toString())) {
            Map<String, String> metadata = orders.getSchema().getCustomMetadata();
            assertEquals("bge-small-en-v1.5-q", metadata.get(TableSchema.BRIDGE_MODEL));
            assertEquals("[{\"name\":\"sentence-transformers\",\"model\":{\"name\":\"BAAI/bge-small-en-v1.5\",\"device\":\"cpu\","
                    + "\"normalize\":true},\"source_column\":\"text\",\"vector_column\":\"vector\"}]", metadata.get("embedding_functions"));
            assertEquals("clip", clips.getSchema().getCustomMetadata().get(TableSchema.BRIDGE_MODEL));
            assertNull(clips.getSchema().getCustomMetadata().get("embedding_functions"), "no LanceDB function makes provided vectors");
        }
    }

    @Test
    void aNewlyDeclaredColumnIsAddedAndOldRowsHoldNull() {
        try (LanceStore store = new LanceStore(dir)) {
            store.open("orders", TableLayout.plain(DIM, "m1")).commit(List.of(new Row("old", "old order", new float[] {1, 0, 0, 0}, "m1", "s", 1, 0)));
        }
        List<ColumnDeclaration> total = columns(Map.of("total", Declared.Column.of("double")));
        try (LanceStore store = new LanceStore(dir)) {
            LanceTable table = store.open("orders", new TableLayout(total, DIM, "m1", MINILM));
            table.commit(List.of(new Row("new", "new order", Row.hash("new order"), new float[] {0, 1, 0, 0}, "m1", "s", 2, 0,
                    new Object[] {7.5})));
            ScanRequest scan = ScanRequest.rows(null, List.of("total")).paged(10, 0);
            Map<String, Object> byId = new java.util.TreeMap<>();
            TableReads.rows(table, scan).forEach(row -> byId.put((String) row.get("id"), row.get("total")));
            assertEquals(Arrays.asList(7.5, null), Arrays.asList(byId.get("new"), byId.get("old")));
            assertTrue(table.scalarColumns().contains("total"));
        }
    }

    @Test
    void aColumnThatWasDroppedFromTheDeclarationStaysAndNewRowsHoldNull() {
        List<ColumnDeclaration> total = columns(Map.of("total", Declared.Column.of("double")));
        try (LanceStore store = new LanceStore(dir)) {
            store.open("orders", new TableLayout(total, DIM, "m1", MINILM)).commit(List.of(
                    new Row("a", "t", Row.hash("t"), new float[] {1, 0, 0, 0}, "m1", "s", 1, 0, new Object[] {1.0})));
        }
        try (LanceStore store = new LanceStore(dir)) {
            LanceTable table = store.open("orders", TableLayout.plain(DIM, "m1"));
            table.commit(List.of(new Row("b", "t", new float[] {1, 0, 0, 0}, "m1", "s", 2, 0)));
            assertEquals(1, table.countRows("total IS NULL"));
            assertEquals(1, table.countRows("total = 1.0"));
        }
    }

    @Test
    void aChangedColumnTypeStopsStartUpAndChangesNothing() {
        try (LanceStore store = new LanceStore(dir)) {
            store.open("orders", new TableLayout(columns(Map.of("total", Declared.Column.of("double"))), DIM, "m1", MINILM));
        }
        try (LanceStore store = new LanceStore(dir)) {
            IncompatibleTableException error = assertThrows(IncompatibleTableException.class, () -> store.open("orders",
                    new TableLayout(columns(Map.of("total", Declared.Column.of("string"))), DIM, "m1", MINILM)));
            assertTrue(error.getMessage().startsWith("table 'orders': column 'total' is stored as FloatingPoint(DOUBLE) but declared Utf8"),
                    error.getMessage());
        }
        try (LanceStore store = new LanceStore(dir)) {
            store.open("orders", new TableLayout(columns(Map.of("total", Declared.Column.of("double"))), DIM, "m1", MINILM));
        }
    }

    @Test
    void anotherModelOrDimensionIsRefused() {
        try (LanceStore store = new LanceStore(dir)) {
            store.open("orders", TableLayout.plain(DIM, "m1"));
        }
        try (LanceStore store = new LanceStore(dir)) {
            String model = assertThrows(IncompatibleTableException.class, () -> store.open("orders", TableLayout.plain(DIM, "m2")))
                    .getMessage();
            assertTrue(model.startsWith("table 'orders' holds vectors of m1 (4 dimensions), but its declaration asks for m2 (4 dimensions)."
                    + " The bridge does not mix two models in one table"), model);
            String dimension = assertThrows(IncompatibleTableException.class, () -> store.open("orders", TableLayout.plain(8, "m1")))
                    .getMessage();
            assertTrue(dimension.contains("m1 (4 dimensions), but its declaration asks for m1 (8 dimensions)"), dimension);
        }
    }

    @Test
    void storedVectorsAreLookedUpById() {
        try (LanceStore store = new LanceStore(dir)) {
            LanceTable table = store.open("orders", TableLayout.plain(DIM, "m1"));
            assertEquals(Map.of(), table.storedVectors(List.of("a")));
            table.commit(List.of(new Row("a", "apple", new float[] {1, 2, 3, 4}, "m1", "s", 1, 0),
                    new Row("it's", "quote", new float[] {4, 3, 2, 1}, "m1", "s", 2, 0)));
            Map<String, StoredVectors.Stored> found = table.storedVectors(List.of("a", "it's", "missing"));
            assertEquals(java.util.Set.of("a", "it's"), found.keySet());
            assertEquals(Row.hash("apple"), found.get("a").textHash());
            assertEquals("m1", found.get("a").model());
            assertArrayEquals(new float[] {4, 3, 2, 1}, found.get("it's").vector());
        }
    }

    @Test
    void reembeddingRebuildsEveryVectorIntoOneNewVersionAndKeepsTheRest() {
        List<ColumnDeclaration> total = columns(Map.of("total", Declared.Column.of("double")));
        try (LanceStore store = new LanceStore(dir)) {
            LanceTable table = store.open("orders", new TableLayout(total, DIM, "m1", MINILM));
            List<Row> rows = new java.util.ArrayList<>();
            for (int i = 0; i < 600; i++) {
                String text = "kettle number " + i;
                rows.add(new Row("o-" + i, text, Row.hash(text), new float[] {1, i, 0, 0}, "m1", "shop", i + 1, 0, new Object[] {(double) i}));
            }
            table.commit(rows);
            long before = table.stats().version();
            java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong();
            TableLayout next = new TableLayout(total, 8, "m2", new LanceDbFunction(LanceDbFunction.OPENAI, "m2"));
            long after = table.reembed(next, texts -> texts.stream().map(text -> eight(text.length())).toList(), progress::addAndGet);

            assertTrue(after > before);
            assertEquals(600, progress.get());
            assertEquals(600, table.countRows(null));
            assertEquals(8, table.dimension());
            assertEquals("m2", table.model());
            Map<String, Object> row = TableReads.rows(table, ScanRequest.rows("id = 'o-42'", List.of("text", "total",
                    "embedding_model", "embedding_dim", "text_hash", "stream_seq")).paged(1, 0)).get(0);
            assertEquals(List.of("kettle number 42", 42.0, "m2", 8, Row.hash("kettle number 42"), 43L),
                    List.of(row.get("text"), row.get("total"), row.get("embedding_model"), row.get("embedding_dim"),
                            row.get("text_hash"), row.get("stream_seq")));
            assertEquals("o-42", TableReads.nearest(table, eight("kettle number 42".length()), 1, "id = 'o-42'", List.of()).get(0).get("id"));
            // full-text search still works on the new version, and the old version still reads its old vectors
            assertEquals("o-7", TableReads.rows(table, ScanRequest.fullText("kettle", 1000, "id = 'o-7'", List.of())).get(0).get("id"));
            ScanRequest before1 = ScanRequest.rows("id = 'o-1'", List.of("embedding_model")).paged(1, 0).atVersion(before);
            assertEquals("m1", TableReads.rows(table, before1).get(0).get("embedding_model"));
            // new rows are written with the new layout
            table.commit(List.of(new Row("n", "new", Row.hash("new"), eight(3), "m2", "shop", 1000, 0, new Object[] {1.0})));
            assertEquals(601, table.countRows(null));
        }
        try (LanceStore store = new LanceStore(dir)) {
            assertEquals(new StoredEmbedding("m2", 8), store.storedEmbedding("orders").orElseThrow());
        }
    }

    private static float[] eight(int seed) {
        float[] vector = new float[8];
        vector[seed % 8] = 1;
        vector[(seed + 3) % 8] = 0.5f;
        return vector;
    }
}
