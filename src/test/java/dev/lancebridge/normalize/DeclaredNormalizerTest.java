package dev.lancebridge.normalize;

import static dev.lancebridge.store.TableSchema.BUILT_IN_COLUMNS;

import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.support.Declared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Normalizing for a declared table: the text template, id and event-time pointers, typed columns. */
class DeclaredNormalizerTest {

    private static final TableDeclaration ORDERS = TableDeclaration.of("orders", Declared.Table.of("SHOP", "shop.orders.>")
            .withText("{title}: {body}")
            .withId("/order/id")
            .withEventTime("/placed_at")
            .withColumns(Map.of(
                    "sku", Declared.Column.of("string").required(),
                    "quantity", Declared.Column.of("int"),
                    "cents", Declared.Column.of("long"),
                    "total", Declared.Column.of("double").at("/amounts/total"),
                    "paid", Declared.Column.of("boolean"),
                    "shipped_at", Declared.Column.of("timestamp"),
                    "tags", Declared.Column.of("list<string>"),
                    "extra", Declared.Column.of("json"))), BUILT_IN_COLUMNS);

    private final Normalizer normalizer = new Normalizer(ORDERS, 3, null);

    private Normalized normalize(String payload) {
        return normalizer.normalize(new RawEvent("SHOP", 7, "shop.orders.eu", 1_700_000_000_000L, null, null,
                payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static String order(String fields) {
        return "{\"order\": {\"id\": \"o-1\"}, \"title\": \"Red kettle\", \"body\": \"boils fast\", \"sku\": \"K-1\""
                + (fields.isEmpty() ? "" : ", " + fields) + "}";
    }

    /** The declared column values by name. */
    private static Map<String, Object> values(Row row) {
        Map<String, Object> values = new java.util.TreeMap<>();
        for (int i = 0; i < ORDERS.columns().size(); i++) {
            values.put(ORDERS.columns().get(i).name(), row.values()[i]);
        }
        return values;
    }

    @Test
    void everyTypeIsReadAtItsPointer() {
        Row row = assertInstanceOf(Row.class, normalize(order("\"quantity\": 3, \"cents\": 12345678901, \"amounts\": {\"total\": 19.5},"
                + " \"paid\": true, \"shipped_at\": \"2026-12-02T10:15:30+01:00\", \"tags\": [\"red\", \"steel\"],"
                + " \"extra\": {\"gift\": true, \"note\": [1, 2]}, \"ignored\": {\"deep\": [1, 2, 3]}")));
        assertEquals("o-1", row.id());
        assertEquals("Red kettle: boils fast", row.text());
        assertEquals(Row.hash("Red kettle: boils fast"), row.textHash());
        Map<String, Object> values = values(row);
        assertEquals("K-1", values.get("sku"));
        assertEquals(3, values.get("quantity"));
        assertEquals(12345678901L, values.get("cents"));
        assertEquals(19.5, values.get("total"));
        assertEquals(true, values.get("paid"));
        assertEquals(java.time.Instant.parse("2026-12-02T09:15:30Z").toEpochMilli(), values.get("shipped_at"));
        assertEquals(List.of("red", "steel"), values.get("tags"));
        assertEquals("{\"gift\":true,\"note\":[1,2]}", values.get("extra"));
    }

    @Test
    void absentOptionalColumnsAreNullAndTheEventTimeFallsBackToJetStreams() {
        Row row = assertInstanceOf(Row.class, normalize(order("\"paid\": null")));
        assertEquals(Arrays.asList("K-1", null, null, null, null, null, null, null),
                List.of("sku", "quantity", "cents", "total", "paid", "shipped_at", "tags", "extra").stream()
                        .map(values(row)::get).toList());
        assertEquals(1_700_000_000_000L, row.eventTimeMillis());
    }

    @Test
    void theEventTimeComesFromThePayloadWhenDeclared() {
        assertEquals(1_750_000_000_000L, assertInstanceOf(Row.class, normalize(order("\"placed_at\": 1750000000000"))).eventTimeMillis());
        assertEquals(java.time.Instant.parse("2026-01-02T03:04:05.678Z").toEpochMilli(),
                assertInstanceOf(Row.class, normalize(order("\"placed_at\": \"2026-01-02T03:04:05.678Z\""))).eventTimeMillis());
    }

    @Test
    void aTemplateWithSomeFieldsMissingKeepsTheOthers() {
        Row row = assertInstanceOf(Row.class, normalize("{\"order\": {\"id\": 5}, \"body\": \"no title\", \"sku\": \"K\"}"));
        assertEquals(": no title", row.text());
        assertEquals("5", row.id());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"quantity\": 2.5                 | INVALID_FIELD | column 'quantity' (int) at 'quantity' must be an integer within 32 bits, got number 2.5",
            "\"quantity\": 3000000000          | INVALID_FIELD | column 'quantity' (int) at 'quantity' must be an integer within 32 bits",
            "\"quantity\": \"3\"               | INVALID_FIELD | column 'quantity' (int) at 'quantity' must be an integer within 32 bits, got string \"3\"",
            "\"amounts\": {\"total\": \"9\"}   | INVALID_FIELD | column 'total' (double) at 'amounts/total' must be a number",
            "\"paid\": 1                       | INVALID_FIELD | column 'paid' (boolean) at 'paid' must be true or false",
            "\"shipped_at\": \"yesterday\"     | INVALID_FIELD | column 'shipped_at' (timestamp) at 'shipped_at' must be an ISO-8601 time",
            "\"tags\": [\"a\", 1]              | INVALID_FIELD | column 'tags' (list<string>) at 'tags' must be an array of strings",
            "\"tags\": \"a\"                   | INVALID_FIELD | column 'tags' (list<string>) at 'tags' must be an array of strings",
            "\"placed_at\": true               | INVALID_FIELD | event time 'placed_at' must be an ISO-8601 time",
            "\"title\": 42                     | INVALID_TEXT  | 'title' must be a string, got number",
    })
    void aValueOfTheWrongTypeIsRejectedNamingTheColumn(String fields, Rejection.Reason reason, String detail) {
        Rejection rejection = assertInstanceOf(Rejection.class, normalize(order(fields)));
        assertEquals(reason, rejection.reason());
        assertTrue(rejection.detail().startsWith(detail), rejection.detail());
    }

    @Test
    void aRequiredColumnMustBeThere() {
        Rejection rejection = assertInstanceOf(Rejection.class, normalize("{\"order\": {\"id\": \"o\"}, \"title\": \"t\"}"));
        assertEquals(Rejection.Reason.MISSING_FIELD, rejection.reason());
        assertEquals("column 'sku' needs the payload field 'sku' (declared not nullable)", rejection.detail());
    }

    @Test
    void noTextFieldAtAllIsRejectedListingThem() {
        Rejection rejection = assertInstanceOf(Rejection.class, normalize("{\"sku\": \"K\"}"));
        assertEquals(Rejection.Reason.MISSING_TEXT, rejection.reason());
        assertEquals("payload has none of the text fields [title, body] (text template {title}: {body})", rejection.detail());
    }

    @Test
    void aTableOfProvidedVectorsNeedsOneInEveryEvent() {
        Normalizer provided = new Normalizer(ORDERS, 3, "clip");
        RawEvent without = new RawEvent("SHOP", 1, "s", 0, null, null, order("").getBytes(StandardCharsets.UTF_8));
        Rejection rejection = assertInstanceOf(Rejection.class, provided.normalize(without));
        assertEquals(Rejection.Reason.MISSING_VECTOR, rejection.reason());
        RawEvent with = new RawEvent("SHOP", 1, "s", 0, null, null, order("\"vector\": [1, 2, 3]").getBytes(StandardCharsets.UTF_8));
        Row row = assertInstanceOf(Row.class, provided.normalize(with));
        assertArrayEquals(new float[] {1, 2, 3}, row.vector());
        assertEquals("clip", row.embeddingModel(), "the model the table declares, not just 'provided'");
    }
}
