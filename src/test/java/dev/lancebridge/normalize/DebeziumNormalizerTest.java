package dev.lancebridge.normalize;

import static dev.lancebridge.store.TableSchema.BUILT_IN_COLUMNS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.support.Declared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debezium change events as Debezium Server 3.6.1 sent them to NATS (recorded from Postgres 15,
 * {@code src/test/resources/debezium/}): with the schema part ({@code docs}) and without it
 * ({@code docs}, {@code notes} with a composite key).
 */
class DebeziumNormalizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TableDeclaration DOCS = TableDeclaration.of("docs", Declared.Table.of("DebeziumStream", "pg.public.docs")
            .withFormat("debezium").withText("{title}: {body}").withColumns(Map.of(
                    "title", Declared.Column.of("string"),
                    "body", Declared.Column.of("string"),
                    "lang", Declared.Column.of("string"))), BUILT_IN_COLUMNS);
    private static final TableDeclaration NOTES = TableDeclaration.of("notes", Declared.Table.of("DebeziumStream", "pg.public.notes")
            .withFormat("debezium").withId("/tenant,/n").withText("{body}"), BUILT_IN_COLUMNS);

    private final Normalizer docs = new Normalizer(DOCS, 4, null);
    private final Normalizer notes = new Normalizer(NOTES, 4, null);

    /** The recorded values of {@code file}, in stream order. */
    private static List<String> recorded(String file) throws IOException {
        return recordedEvents(file).stream().map(RawEvent::payload).map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
    }

    /** The recorded messages of {@code file} as the bridge reads them (stream sequence from 1), with their key-change header. */
    private static List<RawEvent> recordedEvents(String file) throws IOException {
        List<RawEvent> events = new ArrayList<>();
        try (InputStream in = DebeziumNormalizerTest.class.getResourceAsStream("/debezium/" + file)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                JsonNode message = JSON.readTree(line);
                String movedKey = null;
                for (JsonNode header : message.get("headers")) {
                    String[] nameValue = header.asText().split("=", 2);
                    if (nameValue[0].equals("__debezium.newkey") || nameValue[0].equals("__debezium.oldkey")) {
                        movedKey = nameValue[1];
                    }
                }
                events.add(new RawEvent("DebeziumStream", events.size() + 1, message.get("subject").asText(), 1_700_000_000_000L,
                        null, null, message.get("value").asText().getBytes(StandardCharsets.UTF_8), movedKey));
            }
        }
        return events;
    }

    private static Normalized normalize(Normalizer normalizer, long seq, String value) {
        return normalizer.normalize(new RawEvent("DebeziumStream", seq, "pg.public.docs", 1_700_000_000_000L, null, null,
                value.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, Object> values(Row row) {
        Map<String, Object> values = new java.util.TreeMap<>();
        for (int i = 0; i < DOCS.columns().size(); i++) {
            values.put(DOCS.columns().get(i).name(), row.values()[i]);
        }
        return values;
    }

    @Test
    void everyOpWithTheSchemaPart() throws IOException {
        List<String> events = recorded("docs-with-schema.jsonl");
        // r, r: the snapshot; both rows read at the snapshot's position
        Row ten = assertInstanceOf(Row.class, normalize(docs, 1, events.get(0)));
        assertEquals("10", ten.id());
        assertEquals("ten: plain", ten.text());
        assertEquals(Map.of("title", "ten", "body", "plain", "lang", "en"), values(ten));
        assertEquals(22185952L, ten.position());
        assertEquals(JSON.readTree(events.get(0)).at("/payload/source/ts_ms").asLong(), ten.eventTimeMillis(), "when Postgres committed it");
        assertEquals(1, ten.streamSeq());
        assertNull(ten.unavailable());
        assertEquals(ten.position(), assertInstanceOf(Row.class, normalize(docs, 2, events.get(1))).position());
        // c: a row with a TOASTable body
        Row big = assertInstanceOf(Row.class, normalize(docs, 3, events.get(2)));
        assertEquals("2", big.id());
        assertEquals(9600, ((String) values(big).get("body")).length());
        // u that left the TOASTed body out: the row keeps the stored one
        Row edited = assertInstanceOf(Row.class, normalize(docs, 4, events.get(3)));
        assertEquals("2", edited.id());
        assertTrue(edited.position() > big.position());
        assertNotNull(edited.unavailable());
        assertNull(values(edited).get("body"));
        Row restored = edited.restored(big.text(), big.values());
        assertEquals("big, edited: " + values(big).get("body"), restored.text());
        assertEquals(Row.hash(restored.text()), restored.textHash());
        assertEquals(values(big).get("body"), values(restored).get("body"));
        assertEquals("big, edited", values(restored).get("title"));
        assertNull(restored.unavailable());
        // the primary key 2 -> 3: a delete of the old key, then a create of the new one at the same position, its
        // TOASTed body left out: the delete keeps the old row's values a while, the create names the old key to find them
        List<RawEvent> raw = recordedEvents("docs-with-schema.jsonl");
        Deletion oldKey = assertInstanceOf(Deletion.class, docs.normalize(raw.get(4)));
        assertEquals("2", oldKey.id());
        assertTrue(oldKey.moved());
        Row newKey = assertInstanceOf(Row.class, docs.normalize(raw.get(5)));
        assertEquals("3", newKey.id());
        assertEquals(oldKey.position(), newKey.position());
        assertEquals("2", newKey.unavailable().previousId());
        assertTrue(!assertInstanceOf(Deletion.class, docs.normalize(raw.get(6))).moved(), "a plain delete");
        // d
        Deletion gone = assertInstanceOf(Deletion.class, normalize(docs, 7, events.get(6)));
        assertEquals("10", gone.id());
        assertEquals(7, gone.streamSeq());
        // t
        Truncation truncation = assertInstanceOf(Truncation.class, normalize(docs, 8, events.get(7)));
        assertEquals(22200112L, truncation.position());
        assertTrue(truncation.position() > gone.position());
    }

    @Test
    void withoutTheSchemaPartAndWithACompositeKey() throws IOException {
        List<String> events = recorded("docs-notes-without-schema.jsonl");
        Row created = assertInstanceOf(Row.class, normalize(notes, 1, events.get(0)));
        assertEquals("[\"acme\",1]", created.id());
        assertEquals("a note about lighthouses", created.text());
        Row updated = assertInstanceOf(Row.class, normalize(notes, 2, events.get(1)));
        assertEquals(created.id(), updated.id());
        assertEquals("a note about lighthouses and ships", updated.text());
        assertTrue(updated.position() > created.position());
        Row doc = assertInstanceOf(Row.class, normalize(docs, 3, events.get(2)));
        assertEquals("5", doc.id());
        assertEquals("five: plain", doc.text());
        Deletion deleted = assertInstanceOf(Deletion.class, normalize(notes, 4, events.get(3)));
        assertEquals(created.id(), deleted.id());
    }

    @Test
    void everyOpWithoutTheSchemaPartIsTheSameChange() throws IOException {
        List<RawEvent> wrapped = recordedEvents("docs-with-schema.jsonl");
        for (RawEvent event : wrapped) {
            byte[] bare = JSON.readTree(event.payload()).get("payload").toString().getBytes(StandardCharsets.UTF_8);
            Normalized a = docs.normalize(event);
            Normalized b = docs.normalize(new RawEvent(event.stream(), event.streamSeq(), event.subject(), event.timeMillis(),
                    null, null, bare, event.movedKey()));
            assertEquals(a.getClass(), b.getClass());
            if (a instanceof Row rowA) {
                Row rowB = (Row) b;
                assertEquals(List.of(rowA.id(), rowA.text(), rowA.position(), String.valueOf(rowA.unavailable() == null)),
                        List.of(rowB.id(), rowB.text(), rowB.position(), String.valueOf(rowB.unavailable() == null)));
                assertArrayEquals(rowA.values(), rowB.values());
            } else {
                assertEquals(a, b);
            }
        }
        assertEquals(List.of("Row", "Row", "Row", "Row", "Deletion", "Row", "Deletion", "Truncation"),
                wrapped.stream().map(docs::normalize).map(change -> change.getClass().getSimpleName()).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an empty message             | ''",
            "JSON null                    | null",
            "a null payload (a tombstone) | {\"schema\": null, \"payload\": null}",
    })
    void emptyMessagesAreIgnored(String what, String value) {
        assertInstanceOf(Ignored.class, normalize(docs, 9, value));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no op                 | {\"after\": {\"id\": 1, \"title\": \"t\"}, \"source\": {\"lsn\": 5}}"
                    + "                                                          | NOT_A_CHANGE     | has no 'op'",
            "a message (op m)      | {\"op\": \"m\", \"source\": {\"lsn\": 5}, \"message\": {}} | UNKNOWN_OP   | Debezium op 'm'",
            "create without after  | {\"op\": \"c\", \"after\": null, \"source\": {\"lsn\": 5}}  | MISSING_IMAGE | needs the row image 'after'",
            "delete without before | {\"op\": \"d\", \"after\": null, \"source\": {\"lsn\": 5}}  | MISSING_IMAGE | needs the row image 'before'",
            "no source position    | {\"op\": \"c\", \"after\": {\"id\": 1, \"title\": \"t\"}, \"source\": {}} | MISSING_POSITION | 'source.lsn'",
            "no key in the image   | {\"op\": \"c\", \"after\": {\"title\": \"t\"}, \"source\": {\"lsn\": 5}} | MISSING_ID | no key field 'id'",
            "a string payload      | {\"schema\": {}, \"payload\": \"x\"}                      | NOT_A_CHANGE  | must be an object",
            "an array              | [1, 2]                                                    | NOT_AN_OBJECT | got array",
            "broken JSON           | {\"op\": \"c\",                                            | NOT_JSON      | not valid JSON",
            "TOASTed text, no column | {\"op\": \"u\", \"after\": {\"id\": 1, \"title\": \"t\", \"summary\": \"__debezium_unavailable_value\"},"
                    + " \"source\": {\"lsn\": 5}} | UNAVAILABLE_VALUE | declare a string column at 'summary'",
    })
    void whatIsNoRowChangeIsDeadLettered(String what, String value, Rejection.Reason reason, String detail) {
        Normalizer withSummary = new Normalizer(TableDeclaration.of("docs", Declared.Table.of("DebeziumStream", "pg.public.docs")
                .withFormat("debezium").withText("{title}: {summary}"), BUILT_IN_COLUMNS), 4, null);
        Rejection rejection = assertInstanceOf(Rejection.class, normalize(withSummary, 9, value));
        assertEquals(reason, rejection.reason(), rejection.detail());
        assertTrue(rejection.detail().contains(detail), rejection.detail());
    }

    @Test
    void withoutAnLsnTheSourceTimeAndTransactionOrder() throws IOException {
        JsonNode earlier = JSON.readTree("{\"ts_ms\": 1796446492341, \"txId\": 7}");
        JsonNode sameMillisLaterTx = JSON.readTree("{\"ts_ms\": 1796446492341, \"txId\": 8}");
        JsonNode later = JSON.readTree("{\"ts_ms\": 1796446492342}");
        assertTrue(DebeziumEnvelope.position(sameMillisLaterTx) > DebeziumEnvelope.position(earlier));
        assertTrue(DebeziumEnvelope.position(later) > DebeziumEnvelope.position(sameMillisLaterTx));
        assertEquals(22185952L, DebeziumEnvelope.position(JSON.readTree("{\"lsn\": 22185952, \"ts_ms\": 1}")));
    }

    @Test
    void aRowTheTableDoesNotHoldKeepsWhatArrived() throws IOException {
        Row edited = assertInstanceOf(Row.class, normalize(docs, 4, recorded("docs-with-schema.jsonl").get(3)));
        Row restored = edited.restored(null, null);
        assertEquals("big, edited: ", restored.text());
        assertNull(values(restored).get("body"));
    }

    @Test
    void aSingleFieldTemplateKeepsTheStoredText() {
        Normalizer bodyOnly = new Normalizer(TableDeclaration.of("docs", Declared.Table.of("DebeziumStream", "pg.public.docs")
                .withFormat("debezium").withText("{body}"), BUILT_IN_COLUMNS), 4, null);
        Row row = assertInstanceOf(Row.class, normalize(bodyOnly, 1,
                "{\"op\": \"u\", \"after\": {\"id\": 1, \"body\": \"__debezium_unavailable_value\"}, \"source\": {\"lsn\": 5}}"));
        assertEquals("the stored body", row.restored("the stored body", new Object[0]).text());
    }
}
