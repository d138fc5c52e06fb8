package dev.lancebridge.store;

import static dev.lancebridge.store.TableSchema.BUILT_IN_COLUMNS;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lancebridge.config.ColumnDeclaration;
import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.embed.LanceDbFunction;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.support.Declared;
import dev.lancebridge.support.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LanceDB's TypeScript SDK opens a table with declared columns: its types, its embedding function, filters on typed columns. */
class LanceDbReadsDeclaredTableIT {

    @TempDir
    Path dir;

    @Test
    void lanceDbSeesTheTypedColumnsAndTheEmbeddingFunction() throws Exception {
        Node.assumeSdk();
        List<ColumnDeclaration> columns = TableDeclaration.of("orders", Declared.Table.of("SHOP", "shop.>").withColumns(Map.of(
                "total", Declared.Column.of("double"), "tags", Declared.Column.of("list<string>"),
                "paid", Declared.Column.of("boolean"), "shipped_at", Declared.Column.of("timestamp"))), BUILT_IN_COLUMNS).columns();
        // sorted: paid, shipped_at, tags, total
        try (LanceStore store = new LanceStore(dir.resolve("store"))) {
            LanceTable table = store.open("orders", new TableLayout(columns, 4, "bge-small-en-v1.5-q",
                    new LanceDbFunction(LanceDbFunction.SENTENCE_TRANSFORMERS, "BAAI/bge-small-en-v1.5")));
            table.commit(List.of(
                    row("o-1", 1, new float[] {1, 0, 0, 0}, true, 1_750_000_000_000L, List.of("red"), 19.5),
                    row("o-2", 2, new float[] {0, 1, 0, 0}, false, null, List.of("blue", "steel"), 42.0),
                    row("o-3", 3, new float[] {0, 0, 1, 0}, true, null, null, 7.0)));
        }
        Path query = dir.resolve("query.json");
        Files.writeString(query, "[0.1, 0.9, 0, 0]");
        JsonNode theirs = Node.run(dir, "declared.mjs", dir.resolve("store").toString(), "orders",
                "total > 10 AND paid", query.toString());
        JsonNode fields = theirs.get("fields");
        assertEquals("Float64", fields.get("total").asText());
        assertEquals("Bool", fields.get("paid").asText());
        assertTrue(fields.get("tags").asText().startsWith("List<Utf8"), fields.toString());
        assertTrue(fields.get("shipped_at").asText().startsWith("Timestamp<MILLISECOND"), fields.toString());
        assertTrue(fields.has("text_hash") && fields.has("embedding_model"), fields.toString());
        JsonNode function = theirs.get("function");
        assertEquals("sentence-transformers", function.get("name").asText());
        assertEquals("BAAI/bge-small-en-v1.5", function.get("model").get("name").asText());
        assertEquals("text", function.get("source_column").asText());
        assertEquals("vector", function.get("vector_column").asText());
        assertEquals(1, theirs.get("filtered").size());
        assertEquals("o-1", theirs.get("filtered").get(0).get("id").asText());
        assertEquals("red", theirs.get("filtered").get(0).get("tags").get(0).asText());
        assertEquals("o-2", theirs.get("nearest").asText());
    }

    private static Row row(String id, long seq, float[] vector, Object... values) {
        String text = "order " + id;
        return new Row(id, text, Row.hash(text), vector, "bge-small-en-v1.5-q", "shop.orders", seq, 0, values);
    }
}
