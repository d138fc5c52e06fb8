package dev.lancebridge.normalize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormalizerTest {

    private final Normalizer normalizer = dev.lancebridge.support.Declared.plainNormalizer(3);

    private static RawEvent event(String payload, String msgId, String op) {
        return new RawEvent("EVENTS", 42, "events.a", 1_700_000_000_000L, msgId, op,
                payload.getBytes(StandardCharsets.UTF_8));
    }

    private Row row(String payload, String msgId) {
        return assertInstanceOf(Row.class, normalizer.normalize(event(payload, msgId, null)));
    }

    @Test
    void payloadIdWinsOverMessageIdAndSequence() {
        assertEquals("a-1", row("{\"id\": \"a-1\", \"text\": \"hello\"}", "msg-9").id());
    }

    @Test
    void integerIdBecomesItsDigits() {
        assertEquals("12345678901234567890", row("{\"id\": 12345678901234567890, \"text\": \"hello\"}", null).id());
        assertEquals("-7", row("{\"id\": -7, \"text\": \"hello\"}", null).id());
    }

    @Test
    void messageIdIsTheIdWhenThePayloadHasNone() {
        assertEquals("msg-9", row("{\"text\": \"hello\"}", "msg-9").id());
    }

    @Test
    void streamAndSequenceAreTheLastResort() {
        assertEquals("EVENTS:42", row("{\"text\": \"hello\"}", null).id());
        assertEquals("EVENTS:42", row("{\"text\": \"hello\"}", "").id());
    }

    @Test
    void theSameEventAlwaysGetsTheSameRow() {
        Row first = row("{\"text\": \"hello\"}", null);
        Row again = row("{\"text\": \"hello\"}", null);
        assertEquals(first.id(), again.id());
        assertEquals(first.text(), again.text());
    }

    @Test
    void rowCarriesWhereAndWhenItCameFrom() {
        Row row = row("{\"id\": \"x\", \"text\": \"hello\", \"other\": {\"a\": 1}}", null);
        assertEquals("hello", row.text());
        assertEquals("events.a", row.subject());
        assertEquals(42, row.streamSeq());
        assertEquals(1_700_000_000_000L, row.eventTimeMillis());
        assertTrue(row.needsEmbedding());
        assertNull(row.embeddingModel());
    }

    @Test
    void providedVectorIsKeptAndMarked() {
        Row row = row("{\"text\": \"hello\", \"vector\": [0.5, -1, 2e0]}", null);
        assertArrayEquals(new float[] {0.5f, -1f, 2f}, row.vector());
        assertEquals(Row.PROVIDED, row.embeddingModel());
    }

    @Test
    void nullVectorMeansEmbedIt() {
        assertTrue(row("{\"text\": \"hello\", \"vector\": null}", null).needsEmbedding());
    }

    @Test
    void deleteNamesItsRowById() {
        Deletion deletion = assertInstanceOf(Deletion.class,
                normalizer.normalize(event("{\"id\": 5}", null, "DELETE")));
        assertEquals("5", deletion.id());
        assertEquals(42, deletion.streamSeq());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "not json at all            | NOT_JSON",
            "{\"text\": \"unterminated   | NOT_JSON",
            "''                         | NOT_AN_OBJECT",
            "[1, 2]                     | NOT_AN_OBJECT",
            "\"just a string\"          | NOT_AN_OBJECT",
            "42                         | NOT_AN_OBJECT",
            "null                       | NOT_AN_OBJECT",
            "{}                         | MISSING_TEXT",
            "{\"id\": \"a\"}            | MISSING_TEXT",
            "{\"text\": 7}              | INVALID_TEXT",
            "{\"text\": null}           | MISSING_TEXT",
            "{\"text\": \"\"}           | INVALID_TEXT",
            "{\"text\": \"   \"}        | INVALID_TEXT",
            "{\"text\": \"t\", \"id\": 1.5}        | INVALID_ID",
            "{\"text\": \"t\", \"id\": true}       | INVALID_ID",
            "{\"text\": \"t\", \"id\": \"\"}       | INVALID_ID",
            "{\"text\": \"t\", \"id\": null}       | INVALID_ID",
            "{\"text\": \"t\", \"id\": {\"a\": 1}} | INVALID_ID",
            "{\"text\": \"t\", \"vector\": [1, 2]}          | INVALID_VECTOR",
            "{\"text\": \"t\", \"vector\": [1, 2, 3, 4]}    | INVALID_VECTOR",
            "{\"text\": \"t\", \"vector\": [1, \"2\", 3]}   | INVALID_VECTOR",
            "{\"text\": \"t\", \"vector\": [1, 2, 1e50]}    | INVALID_VECTOR",
            "{\"text\": \"t\", \"vector\": \"1,2,3\"}       | INVALID_VECTOR",
    })
    void malformedEventsAreRejectedWithTheirReason(String payload, Rejection.Reason reason) {
        Rejection rejection = assertInstanceOf(Rejection.class, normalizer.normalize(event(payload, "m", null)));
        assertEquals(reason, rejection.reason());
        assertEquals(42, rejection.streamSeq());
        assertTrue(!rejection.detail().isBlank());
    }

    private static String base64(float... values) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return java.util.Base64.getEncoder().encodeToString(bytes.array());
    }

    /** Base64 of little-endian float32 is the same vector as the array of numbers, without decimal text to parse. */
    @Test
    void aVectorAsBase64OfLittleEndianFloatsIsTheSameAsTheArray() {
        Row fromBase64 = row("{\"text\": \"t\", \"vector\": \"" + base64(0.5f, -1.25f, 3e-8f) + "\"}", "m");
        Row fromArray = row("{\"text\": \"t\", \"vector\": [0.5, -1.25, 3e-8]}", "m");
        assertArrayEquals(fromArray.vector(), fromBase64.vector());
        assertEquals(Row.PROVIDED, fromBase64.embeddingModel());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"two floats", "NaN", "infinity", "not base64"})
    void aBase64VectorOfTheWrongLengthOrNotFiniteIsRejectedSayingWhy(String fault) {
        String encoded = switch (fault) {
            case "two floats" -> base64(1, 2);
            case "NaN" -> base64(1, Float.NaN, 3);
            case "infinity" -> base64(1, 2, Float.NEGATIVE_INFINITY);
            default -> "%%%";
        };
        Rejection rejection = assertInstanceOf(Rejection.class,
                normalizer.normalize(event("{\"text\": \"t\", \"vector\": \"" + encoded + "\"}", "m", null)));
        assertEquals(Rejection.Reason.INVALID_VECTOR, rejection.reason());
        String expected = switch (fault) {
            case "two floats" -> "a base64 string of 8 bytes, not 3 little-endian float32 (12 bytes)";
            case "not base64" -> "a string that is not base64";
            default -> "a base64 vector holding NaN or an infinity";
        };
        assertTrue(rejection.detail().contains(expected), rejection.detail());
    }

    @Test
    void deleteWithoutIdIsRejected() {
        Rejection rejection = assertInstanceOf(Rejection.class,
                normalizer.normalize(event("{\"text\": \"x\"}", "m", "delete")));
        assertEquals(Rejection.Reason.MISSING_ID, rejection.reason());
    }

    @Test
    void unknownOperationIsRejected() {
        Rejection rejection = assertInstanceOf(Rejection.class,
                normalizer.normalize(event("{\"text\": \"x\"}", null, "truncate")));
        assertEquals(Rejection.Reason.UNKNOWN_OP, rejection.reason());
        assertTrue(rejection.detail().contains("truncate"));
    }

    @Test
    void bigTextIsKeptWhole() {
        String text = String.join(" ", Collections.nCopies(5000, "word"));
        assertEquals(text, row("{\"text\": \"" + text + "\"}", null).text());
    }
}
