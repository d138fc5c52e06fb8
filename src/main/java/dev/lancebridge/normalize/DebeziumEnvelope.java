package dev.lancebridge.normalize;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * A Debezium change event read down to what the bridge uses: its op, the row image that op needs
 * and its source position. With or without the converter's {@code {"schema", "payload"}} wrapping;
 * the schema part is skipped unparsed.
 */
final class DebeziumEnvelope {

    /** What Debezium puts in place of an unchanged TOASTed column it did not read. */
    static final String UNAVAILABLE = "__debezium_unavailable_value";

    /** Bits of the transaction id kept under a millisecond timestamp in a position without an LSN. */
    private static final int TX_BITS = 20;

    private DebeziumEnvelope() {
    }

    /** What an event is. */
    sealed interface Read permits Change, Empty, Problem {
    }

    /**
     * A change: {@code op} is one of {@code c r u d t}; {@code image} is {@code after} (or
     * {@code before} for a delete; null for a truncate); {@code sourceMillis} when the source
     * committed it ({@code source.ts_ms}), or null.
     */
    record Change(char op, ObjectNode image, long position, Long sourceMillis) implements Read {
    }

    /** No change at all: an empty message, JSON null, or a null payload (a Kafka-style tombstone). */
    record Empty() implements Read {
    }

    record Problem(Rejection.Reason reason, String detail) implements Read {
    }

    static Read read(ObjectMapper json, byte[] payload) {
        ObjectNode envelope;
        try (JsonParser parser = json.createParser(payload)) {
            JsonToken first = parser.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                return new Empty();
            }
            if (first != JsonToken.START_OBJECT) {
                return new Problem(Rejection.Reason.NOT_AN_OBJECT, "a Debezium change event is a JSON object, got "
                        + json.<JsonNode>readTree(parser).getNodeType().name().toLowerCase());
            }
            envelope = readSkippingSchema(json, parser);
            if (parser.nextToken() != null) {
                return new Problem(Rejection.Reason.NOT_JSON, "payload is not valid JSON: more follows the object");
            }
        } catch (JsonProcessingException e) {
            return new Problem(Rejection.Reason.NOT_JSON, "payload is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new Problem(Rejection.Reason.NOT_JSON, "payload is not valid JSON: " + e.getMessage());
        }
        if (envelope.has("payload") && !envelope.has("op")) {
            JsonNode wrapped = envelope.get("payload");
            if (wrapped.isNull()) {
                return new Empty();
            }
            if (!wrapped.isObject()) {
                return new Problem(Rejection.Reason.NOT_A_CHANGE, "'payload' of a Debezium change event must be an object, got "
                        + wrapped.getNodeType().name().toLowerCase());
            }
            envelope = (ObjectNode) wrapped;
        }
        return change(envelope);
    }

    /** The top-level object, its {@code schema} member skipped (it describes every column and can outweigh the row). */
    private static ObjectNode readSkippingSchema(ObjectMapper json, JsonParser parser) throws IOException {
        ObjectNode envelope = json.createObjectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (name.equals("schema")) {
                parser.skipChildren();
                envelope.putNull(name);
            } else {
                envelope.set(name, json.<JsonNode>readTree(parser));
            }
        }
        return envelope;
    }

    private static Read change(ObjectNode envelope) {
        JsonNode op = envelope.get("op");
        if (op == null || op.isNull()) {
            return new Problem(Rejection.Reason.NOT_A_CHANGE, "not a Debezium change event: it has no 'op'"
                    + " (for plain JSON rows declare the table format=json)");
        }
        String code = op.asText();
        if (code.length() != 1 || "crudt".indexOf(code.charAt(0)) < 0) {
            return new Problem(Rejection.Reason.UNKNOWN_OP, "Debezium op '" + code + "' is not a row change the bridge applies"
                    + " (c, r, u, d or t)");
        }
        char kind = code.charAt(0);
        Long position = position(envelope.get("source"));
        if (position == null) {
            return new Problem(Rejection.Reason.MISSING_POSITION, "a Debezium change needs its source position:"
                    + " 'source.lsn', or 'source.ts_ms' (with 'source.txId')");
        }
        JsonNode millis = envelope.path("source").path("ts_ms");
        Long sourceMillis = millis.canConvertToLong() ? millis.asLong() : null;
        if (kind == 't') {
            return new Change(kind, null, position, sourceMillis);
        }
        String side = kind == 'd' ? "before" : "after";
        JsonNode image = envelope.get(side);
        if (image == null || !image.isObject()) {
            return new Problem(Rejection.Reason.MISSING_IMAGE, "Debezium op '" + kind + "' needs the row image '" + side + "', got "
                    + (image == null ? "none" : image.getNodeType().name().toLowerCase()));
        }
        return new Change(kind, (ObjectNode) image, position, sourceMillis);
    }

    /**
     * The change's place in the source's history, comparable between changes of one row: the
     * log sequence number where the connector has one (Postgres), else the source timestamp in
     * milliseconds with the low {@value #TX_BITS} bits of the transaction id beneath it. Null
     * when the source names neither.
     */
    static Long position(JsonNode source) {
        if (source == null || !source.isObject()) {
            return null;
        }
        JsonNode lsn = source.get("lsn");
        if (lsn != null && lsn.canConvertToLong() && lsn.asLong() >= 0) {
            return lsn.asLong();
        }
        JsonNode millis = source.get("ts_ms");
        if (millis == null || !millis.canConvertToLong() || millis.asLong() < 0 || millis.asLong() >= 1L << (63 - TX_BITS)) {
            return null;
        }
        JsonNode tx = source.get("txId");
        long txBits = tx != null && tx.canConvertToLong() ? tx.asLong() & ((1L << TX_BITS) - 1) : 0;
        return millis.asLong() << TX_BITS | txBits;
    }
}
