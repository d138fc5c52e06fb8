package dev.lancebridge.normalize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int dimension;

    public Normalizer(int dimension) {
        this.dimension = dimension;
    }

    public Normalized normalize(RawEvent event) {
        JsonNode payload;
        try {
            payload = JSON.readTree(event.payload());
        } catch (JsonProcessingException e) {
            return reject(event, Rejection.Reason.NOT_JSON, "payload is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return reject(event, Rejection.Reason.NOT_JSON, "payload is not valid JSON: " + e.getMessage());
        }
        if (payload == null || !payload.isObject()) {
            String kind = payload == null || payload.isMissingNode() ? "empty" : payload.getNodeType().name().toLowerCase();
            return reject(event, Rejection.Reason.NOT_AN_OBJECT, "payload must be a JSON object, got " + kind);
        }
        String op = event.op() == null ? OP_UPSERT : event.op().trim().toLowerCase();
        return switch (op) {
            case OP_DELETE -> deletion(event, payload);
            case OP_UPSERT -> row(event, payload);
            default -> reject(event, Rejection.Reason.UNKNOWN_OP,
                    "Bridge-Op must be 'upsert' or 'delete', got '" + event.op() + "'");
        };
    }

    private Normalized deletion(RawEvent event, JsonNode payload) {
        JsonNode id = payload.get("id");
        if (id == null) {
            return reject(event, Rejection.Reason.MISSING_ID, "a delete needs the payload field 'id'");
        }
        String parsed = parseId(id);
        return parsed == null ? invalidId(event, id) : new Deletion(parsed, event.streamSeq());
    }

    private Normalized row(RawEvent event, JsonNode payload) {
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
        JsonNode vectorNode = payload.get("vector");
        if (vectorNode != null && !vectorNode.isNull()) {
            vector = parseVector(vectorNode);
            if (vector == null) {
                return reject(event, Rejection.Reason.INVALID_VECTOR, "'vector' must be an array of "
                        + dimension + " numbers, got " + describe(vectorNode));
            }
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

    private float[] parseVector(JsonNode node) {
        if (!node.isArray() || node.size() != dimension) {
            return null;
        }
        ArrayNode array = (ArrayNode) node;
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            JsonNode element = array.get(i);
            if (!element.isNumber()) {
                return null;
            }
            vector[i] = element.floatValue();
            if (!Float.isFinite(vector[i])) {
                return null;
            }
        }
        return vector;
    }

    private static String describe(JsonNode node) {
        if (!node.isArray()) {
            return node.getNodeType().name().toLowerCase();
        }
        for (JsonNode element : node) {
            if (!element.isNumber() || !Float.isFinite(element.floatValue())) {
                return "an array holding " + (element.isNumber() ? "a number out of float range" : element.getNodeType().name().toLowerCase());
            }
        }
        return "an array of " + node.size() + " numbers";
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
