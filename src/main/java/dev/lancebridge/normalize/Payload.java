package dev.lancebridge.normalize;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Set;

/** A json table's payload as the normalizer reads it: the declared fields as trees, the vector parsed or described. */
final class Payload {

    /** Reads a float from four little-endian bytes of a byte[]; the JIT turns it into a plain load. */
    private static final java.lang.invoke.VarHandle LITTLE_ENDIAN_FLOATS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(float[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    final ObjectNode fields;
    boolean hasVector;
    float[] vector;
    String vectorProblem;

    Payload(ObjectNode fields) {
        this.fields = fields;
    }

    /**
     * The fields a table reads, in one streaming pass: {@code vector} goes straight into a
     * {@code float[]} (no tree of boxed numbers), declared fields become small trees, and the
     * rest are skipped. A repeated key keeps its last value, as a JSON tree would.
     *
     * @param scanned the vector {@link VectorScan} already read (its array emptied in what the parser reads), or null
     */
    static Payload read(ObjectMapper json, JsonParser parser, VectorScan.Found scanned, Set<String> read, int dimension)
            throws IOException {
        Payload payload = new Payload(json.createObjectNode());
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals(Normalizer.VECTOR)) {
                payload.readVector(parser, value, dimension, scanned);
            } else if (read.contains(name)) {
                payload.fields.set(name, json.<JsonNode>readTree(parser));
            } else {
                parser.skipChildren();
            }
        }
        return payload;
    }

    void readVector(JsonParser parser, JsonToken token, int dimension, VectorScan.Found scanned) throws IOException {
        hasVector = token != JsonToken.VALUE_NULL;
        vector = null;
        vectorProblem = null;
        if (!hasVector) {
            return;
        }
        if (token == JsonToken.START_ARRAY && scanned != null && parser.currentTokenLocation().getByteOffset() == scanned.open()) {
            parser.skipChildren();
            vector = scanned.values();
            return;
        }
        if (token == JsonToken.VALUE_STRING) {
            readBase64Vector(parser.getText(), dimension);
            return;
        }
        if (token != JsonToken.START_ARRAY) {
            vectorProblem = kindOf(parser);
            return;
        }
        float[] values = new float[dimension];
        int count = 0;
        for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
            if (vectorProblem == null) {
                if (element == JsonToken.VALUE_NUMBER_INT || element == JsonToken.VALUE_NUMBER_FLOAT) {
                    // what VectorScan declined: an array it cannot take whole, usually on its way to a rejection
                    float value = parser.getFloatValue();
                    if (!Float.isFinite(value)) {
                        vectorProblem = "an array holding a number out of float range";
                    } else if (count < dimension) {
                        values[count] = value;
                    }
                } else {
                    vectorProblem = "an array holding " + kindOf(parser);
                }
            }
            parser.skipChildren();
            count++;
        }
        if (vectorProblem == null && count != dimension) {
            vectorProblem = "an array of " + count + " numbers";
        }
        if (vectorProblem == null) {
            vector = values;
        }
    }

    /**
     * A vector as base64 of little-endian float32 (what {@code Float32Array} or numpy's
     * {@code tobytes()} give): no decimal text to parse, the cheaper form for producers.
     */
    private void readBase64Vector(String text, int dimension) {
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            vectorProblem = "a string that is not base64 (" + e.getMessage() + ")";
            return;
        }
        if (bytes.length != dimension * Float.BYTES) {
            vectorProblem = "a base64 string of " + bytes.length + " bytes, not " + dimension + " little-endian float32 ("
                    + dimension * Float.BYTES + " bytes)";
            return;
        }
        float[] values = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            float value = (float) LITTLE_ENDIAN_FLOATS.get(bytes, i * Float.BYTES);
            if (!Float.isFinite(value)) {
                vectorProblem = "a base64 vector holding NaN or an infinity";
                return;
            }
            values[i] = value;
        }
        vector = values;
    }

    /** The JSON type of the value at the parser, lower case ("string", "array", ...); consumes it. */
    static String kindOf(JsonParser parser) throws IOException {
        return parser.<JsonNode>readValueAsTree().getNodeType().name().toLowerCase();
    }
}
