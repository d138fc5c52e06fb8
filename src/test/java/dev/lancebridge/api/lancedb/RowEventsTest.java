package dev.lancebridge.api.lancedb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.normalize.Normalizer;
import dev.lancebridge.normalize.RawEvent;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.search.InvalidSearchException;
import dev.lancebridge.store.TableSchema;
import dev.lancebridge.support.Declared;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows a LanceDB client writes become the events a producer would send, and the table's normalizer takes them back to the same row. */
class RowEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TableDeclaration orders(String text) {
        return TableDeclaration.of("orders", Declared.Table.of("SHOP", "shop.>").withText(text).withColumns(Map.of(
                "total", Declared.Column.of("long").at("/amount/total"), "tags", Declared.Column.of("list<string>"),
                "shipped_at", Declared.Column.of("timestamp"))), TableSchema.BUILT_IN_COLUMNS);
    }

    @Test
    void aWrittenRowIsTheEventOfTheSameRow() {
        TableDeclaration table = orders("{text}");
        try (BufferAllocator allocator = new RootAllocator();
             VarCharVector id = new VarCharVector("id", allocator);
             VarCharVector text = new VarCharVector("text", allocator);
             BigIntVector total = new BigIntVector("total", allocator);
             ListVector tags = ListVector.empty("tags", allocator);
             TimeStampMicroTZVector shipped = new TimeStampMicroTZVector("shipped_at", allocator, "UTC");
             FixedSizeListVector vector = FixedSizeListVector.empty("vector", 3, allocator);
             VarCharVector model = new VarCharVector(TableSchema.EMBEDDING_MODEL, allocator)) {
            id.setSafe(0, "o-1".getBytes(StandardCharsets.UTF_8));
            text.setSafe(0, "two red chairs".getBytes(StandardCharsets.UTF_8));
            total.setSafe(0, 42);
            UnionListWriter writer = tags.getWriter();
            writer.startList();
            writer.writeVarChar("red");
            writer.writeVarChar("chair");
            writer.endList();
            shipped.setSafe(0, 1_750_000_000_123_000L);
            vector.addOrGetVector(FieldType.nullable(new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE)));
            Float4Vector floats = (Float4Vector) vector.getDataVector();
            vector.setNotNull(0);
            floats.setSafe(0, 0.5f);
            floats.setSafe(1, -1f);
            floats.setSafe(2, 3e-8f);
            model.setSafe(0, "someone-elses-model".getBytes(StandardCharsets.UTF_8)); // computed by the bridge: left out
            VectorSchemaRoot batch = VectorSchemaRoot.of(id, text, total, tags, shipped, vector, model);
            batch.setRowCount(1);

            ObjectNode payload = RowEvents.payloads(batch, table).get(0);
            assertEquals("o-1", payload.get("id").asText());
            assertEquals(42, payload.at("/amount/total").asLong());
            assertFalse(payload.has(TableSchema.EMBEDDING_MODEL), payload.toString());

            Normalizer normalizer = new Normalizer(table, 3, null);
            Row row = assertInstanceOf(Row.class, normalizer.normalize(new RawEvent("SHOP", 9, "shop.lancedb", 0, "m", null,
                    payload.toString().getBytes(StandardCharsets.UTF_8))));
            assertEquals("o-1", row.id());
            assertEquals("two red chairs", row.text());
            assertArrayEquals(new float[] {0.5f, -1f, 3e-8f}, row.vector());
            assertEquals(Row.PROVIDED, row.embeddingModel());
            assertTrue(List.of(row.values()).containsAll(List.of(42L, List.of("red", "chair"), 1_750_000_000_123L)),
                    List.of(row.values()).toString());
        }
    }

    @Test
    void whatCannotBecomeAnEventIsRefused() {
        try (BufferAllocator allocator = new RootAllocator();
             VarCharVector id = new VarCharVector("id", allocator);
             VarCharVector colour = new VarCharVector("colour", allocator);
             VarCharVector text = new VarCharVector("text", allocator)) {
            id.setSafe(0, "o-1".getBytes(StandardCharsets.UTF_8));
            colour.setSafe(0, "red".getBytes(StandardCharsets.UTF_8));
            text.setSafe(0, "t".getBytes(StandardCharsets.UTF_8));
            VectorSchemaRoot unknown = VectorSchemaRoot.of(id, colour);
            unknown.setRowCount(1);
            assertTrue(assertThrows(InvalidSearchException.class, () -> RowEvents.payloads(unknown, orders("{text}"))).getMessage()
                    .contains("no column 'colour'"));
            VectorSchemaRoot templated = VectorSchemaRoot.of(id, text);
            templated.setRowCount(1);
            assertTrue(assertThrows(InvalidSearchException.class, () -> RowEvents.payloads(templated, orders("{title}: {body}")))
                    .getMessage().contains("template"));
        }
    }

    @Test
    void writtenRowsGoToTheTablesFirstSubject() {
        assertEquals("shop.lancedb", RemoteWrites.subject(orders("{text}")));
        assertEquals("lancedb.orders.lancedb", RemoteWrites.subject(TableDeclaration.of("o", Declared.Table.of("S", "*.orders.>"),
                TableSchema.BUILT_IN_COLUMNS)));
    }

    @Test
    void aDeleteNamesItsRowAtTheIdField() throws Exception {
        TableDeclaration table = TableDeclaration.of("o", Declared.Table.of("S", "s.>").withId("/key/value"), TableSchema.BUILT_IN_COLUMNS);
        assertEquals(JSON.readTree("{\"key\": {\"value\": \"k-7\"}}"), RowEvents.deletion("k-7", table));
    }
}
