package dev.lancebridge.normalize;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * Turns a {@link RawEvent} into a {@link Row}, a {@link Deletion} or a {@link Rejection}. Pure:
 * no I/O, no shared state, the same event always gives the same result.
 *
 * <p>Payload: a JSON object with {@code text} (non-empty string), optionally {@code id} (string or
 * integer) and {@code vector} (exactly {@code dimension} numbers). The row id is the payload
 * {@code id}, else the {@code Nats-Msg-Id} header, else {@code <stream>:<stream sequence>}.
 * A {@code Bridge-Op: delete} event names the row to delete by its payload {@code id}.
 */
public final class Normalizer {

    public static final String OP_DELETE = "delete";
    public static final String OP_UPSERT = "upsert";

    /** Fast float parsing: a provided vector is hundreds of decimal numbers per event. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build());

    private final int dimension;

    public Normalizer(int dimension) {
        this.dimension = dimension;
    }

    public Normalized normalize(RawEvent event) {
        Payload payload;
        try (JsonParser parser = JSON.createParser(event.payload())) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                String kind = first == null ? "empty" : kindOf(parser);
                return reject(event, Rejection.Reason.NOT_AN_OBJECT, "payload must be a JSON object, got " + kind);
            }
            payload = readObject(parser);
        } catch (JsonProcessingException e) {
            return reject(event, Rejection.Reason.NOT_JSON, "payload is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return reject(event, Rejection.Reason.NOT_JSON, "payload is not valid JSON: " + e.getMessage());
        }
        String op = event.op() == null ? OP_UPSERT : event.op().trim().toLowerCase();
        return switch (op) {
            case OP_DELETE -> deletion(event, payload.fields);
            case OP_UPSERT -> row(event, payload);
            default -> reject(event, Rejection.Reason.UNKNOWN_OP,
                    "Bridge-Op must be 'upsert' or 'delete', got '" + event.op() + "'");
        };
    }

    /**
     * The fields the bridge reads, in one streaming pass: {@code vector} goes straight into a
     * {@code float[]} (no tree of boxed numbers), other known fields become small trees, and
     * unknown fields are skipped. A repeated key keeps its last value, as a JSON tree would.
     */
    private Payload readObject(JsonParser parser) throws IOException {
        ObjectNode fields = JSON.createObjectNode();
        Payload payload = new Payload(fields);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "vector" -> payload.readVector(parser, value, dimension);
                case "id", "text" -> fields.set(name, JSON.readTree(parser));
                default -> parser.skipChildren();
            }
        }
        return payload;
    }

    /** What {@link #readObject} kept: {@code id} and {@code text} as trees, the vector parsed or described. */
    private static final class Payload {
        final ObjectNode fields;
        boolean hasVector;
        float[] vector;
        String vectorProblem;

        Payload(ObjectNode fields) {
            this.fields = fields;
        }

        void readVector(JsonParser parser, JsonToken token, int dimension) throws IOException {
            hasVector = token != JsonToken.VALUE_NULL;
            vector = null;
            vectorProblem = null;
            if (!hasVector) {
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
    }

    private Normalized deletion(RawEvent event, JsonNode payload) {
        JsonNode id = payload.get("id");
        if (id == null) {
            return reject(event, Rejection.Reason.MISSING_ID, "a delete needs the payload field 'id'");
        }
        String parsed = parseId(id);
        return parsed == null ? invalidId(event, id) : new Deletion(parsed, event.streamSeq());
    }

    private Normalized row(RawEvent event, Payload parsed) {
        JsonNode payload = parsed.fields;
        JsonNode text = payload.get("text");
        if (text == null) {
            return reject(event, Rejection.Reason.MISSING_TEXT, "payload has no 'text' field");
        }
        if (!text.isTextual()) {
            return reject(event, Rejection.Reason.INVALID_TEXT,
                    "'text' must be a string, got " + text.getNodeType().name().toLowerCase());
        }
        if (text.asText().isBlank()) {
            return reject(event, Rejection.Reason.INVALID_TEXT, "'text' is empty");
        }
        String id;
        JsonNode idNode = payload.get("id");
        if (idNode != null) {
            id = parseId(idNode);
            if (id == null) {
                return invalidId(event, idNode);
            }
        } else if (event.msgId() != null && !event.msgId().isEmpty()) {
            id = event.msgId();
        } else {
            id = event.stream() + ":" + event.streamSeq();
        }
        float[] vector = null;
        String model = null;
        if (parsed.hasVector) {
            if (parsed.vector == null) {
                return reject(event, Rejection.Reason.INVALID_VECTOR, "'vector' must be an array of "
                        + dimension + " numbers, got " + parsed.vectorProblem);
            }
            vector = parsed.vector;
            model = Row.PROVIDED;
        }
        return new Row(id, text.asText(), vector, model, event.subject(), event.streamSeq(), event.timeMillis());
    }

    /** A string id as is, an integral number as its decimal digits; anything else is invalid (null). */
    private static String parseId(JsonNode id) {
        if (id.isTextual() && !id.asText().isEmpty()) {
            return id.asText();
        }
        if (id.isIntegralNumber()) {
            return id.bigIntegerValue().toString();
        }
        return null;
    }

    /** The JSON type of the value at the parser, lower case ("string", "array", ...); consumes it. */
    private static String kindOf(JsonParser parser) throws IOException {
        JsonNode node = JSON.readTree(parser);
        return node.getNodeType().name().toLowerCase();
    }

    private static Rejection invalidId(RawEvent event, JsonNode id) {
        String got = id.isTextual() ? "an empty string" : id.getNodeType().name().toLowerCase()
                + (id.isNumber() ? " " + id.asText() : "");
        return reject(event, Rejection.Reason.INVALID_ID, "'id' must be a non-empty string or an integer, got " + got);
    }

    private static Rejection reject(RawEvent event, Rejection.Reason reason, String detail) {
        return new Rejection(reason, detail, event.streamSeq());
    }
}
