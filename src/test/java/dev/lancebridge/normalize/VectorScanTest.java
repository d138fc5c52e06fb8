package dev.lancebridge.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The byte scan takes only what it can take whole, and the normalizer's answer is the one a JSON
 * tree gives, whether the scan took the vector or declined it.
 */
class VectorScanTest {

    private static final ObjectMapper TREE = new ObjectMapper();
    private final Normalizer normalizer = dev.lancebridge.support.Declared.plainNormalizer(3);

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private Normalized normalize(String json) {
        return normalizer.normalize(new RawEvent("EVENTS", 7, "events.a", 0, null, null, bytes(json)));
    }

    @Test
    void takesThePlainArrayAndEmptiesItForTheParser() {
        String json = "{\"text\": \"t\", \"vector\" :\n[ 0.5,-1 , 2e0 ], \"id\": \"a\"}";
        VectorScan.Found found = VectorScan.find(bytes(json), 3);
        assertNotNull(found);
        assertArrayEquals(new float[] {0.5f, -1f, 2f}, found.values());
        assertEquals("{\"text\": \"t\", \"vector\" :\n[], \"id\": \"a\"}", new String(found.emptied(bytes(json)), StandardCharsets.UTF_8));
        Row row = assertInstanceOf(Row.class, normalize(json));
        assertEquals("a", row.id());
        assertArrayEquals(new float[] {0.5f, -1f, 2f}, row.vector());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"text\": \"t\", \"vector\": [1, 2]}",                    // too few
        "{\"text\": \"t\", \"vector\": [1, 2, 3, 4]}",              // too many
        "{\"text\": \"t\", \"vector\": [1, \"2\", 3]}",             // a string
        "{\"text\": \"t\", \"vector\": [1, [2], 3]}",               // nested
        "{\"text\": \"t\", \"vector\": [1, 2, 1e50]}",              // beyond float range
        "{\"text\": \"t\", \"vector\": [01, 2, 3]}",                // a leading zero
        "{\"text\": \"t\", \"vector\": [1., 2, 3]}",                // no fraction digits
        "{\"text\": \"t\", \"vector\": [.5, 2, 3]}",
        "{\"text\": \"t\", \"vector\": [+1, 2, 3]}",
        "{\"text\": \"t\", \"vector\": [1, 2, 3e]}",
        "{\"text\": \"t\", \"vector\": [1, 2, NaN]}",
        "{\"text\": \"t\", \"vector\": [1, 2, 3,]}",
        "{\"text\": \"t\", \"vector\": [1 2 3]}",
        "{\"text\": \"t\", \"vector\": [1, 2, 3",                   // cut off
        "{\"text\": \"t\", \"vector\": \"AAAA\"}",                  // base64: the parser's
        "{\"text\": \"t\", \"vector\": null}",
        "{\"text\": \"t\", \"vec\\u0074or\": [1, 2, 3]}",           // an escaped key: the parser's
        "{\"meta\": {\"vector\": [1, 2, 3]}, \"text\": \"t\"}",     // not top-level
        "{\"list\": [{\"vector\": [1, 2, 3]}], \"text\": \"t\"}",
        "{\"text\": \"\\\"vector\\\": [1, 2, 3]\"}",                // inside a string
        "{\"text\": \"unterminated, \"vector\": [1, 2, 3]}",
    })
    void declinesWhatItCannotTakeWhole(String json) {
        assertNull(VectorScan.find(bytes(json), 3));
        assertSameAsATree(json);
    }

    @Test
    void aRepeatedKeyKeepsItsLastValueEitherWay() {
        Row last = assertInstanceOf(Row.class, normalize("{\"vector\": [1, 2, 3], \"text\": \"t\", \"vector\": [4, 5, 6]}"));
        assertArrayEquals(new float[] {4, 5, 6}, last.vector());
        assertInstanceOf(Rejection.class, normalize("{\"vector\": [1, 2, 3], \"text\": \"t\", \"vector\": [4, 5]}"));
        Row escapedFirst = assertInstanceOf(Row.class, normalize("{\"vec\\u0074or\": [1, 2], \"text\": \"t\", \"vector\": [4, 5, 6]}"));
        assertArrayEquals(new float[] {4, 5, 6}, escapedFirst.vector());
    }

    /** Valid and broken payloads made at random: the normalizer agrees with a JSON tree on every one. */
    @Test
    void agreesWithAJsonTreeOnRandomPayloads() {
        Random random = new Random(11);
        String[] pieces = {"{", "}", "[", "]", ",", ":", " ", "\"", "\\", "\"vector\"", "\"text\"", "\"t\"", "1", "-0.5", "1e3",
            "01", ".", "null", "\"vector\": [", "]}"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder json = new StringBuilder("{\"text\": \"t\", ");
            if (random.nextBoolean()) {
                json.append("\"a\": ").append(random.nextBoolean() ? "\"x\\\"vector\\\": [1]\", " : "{\"vector\": [9, 9, 9]}, ");
            }
            json.append("\"vector\": [");
            for (int j = 0; j < 3; j++) {
                json.append(j == 0 ? "" : ", ").append(random.nextInt(4) == 0 ? (float) random.nextGaussian() : random.nextGaussian());
            }
            json.append("]");
            if (random.nextInt(3) == 0) {
                json.append(", \"id\": ").append(random.nextInt(100));
            }
            json.append("}");
            for (int mutations = random.nextInt(3); mutations > 0; mutations--) {
                int at = random.nextInt(json.length() + 1);
                if (random.nextBoolean() && at < json.length()) {
                    json.deleteCharAt(at);
                } else {
                    json.insert(at, pieces[random.nextInt(pieces.length)]);
                }
            }
            assertSameAsATree(json.toString());
        }
    }

    /** What a JSON tree says of the payload: not JSON is rejected; a vector of three finite floats is that vector. */
    private void assertSameAsATree(String json) {
        Normalized normalized = normalize(json);
        JsonNode tree;
        try {
            tree = TREE.readTree(json);
        } catch (Exception notJson) {
            assertInstanceOf(Rejection.class, normalized, json);
            return;
        }
        JsonNode vector = tree == null ? null : tree.get(Normalizer.VECTOR);
        float[] expected = vector == null || !vector.isArray() || vector.size() != 3 ? null : new float[3];
        for (int i = 0; expected != null && i < 3; i++) {
            expected[i] = vector.get(i).isNumber() ? Float.parseFloat(vector.get(i).asText()) : Float.NaN;
            if (!Float.isFinite(expected[i])) {
                expected = null;
            }
        }
        if (expected != null && normalized instanceof Row row) {
            assertArrayEquals(withoutSignedZero(expected), withoutSignedZero(row.vector()), json); // a tree reads -0 as the integer 0
        } else if (vector != null && !vector.isNull() && !vector.isTextual()) {
            assertInstanceOf(Rejection.class, normalized, json);
        }
    }

    private static float[] withoutSignedZero(float[] values) {
        float[] plain = values.clone();
        for (int i = 0; i < plain.length; i++) {
            plain[i] += 0f;
        }
        return plain;
    }
}
