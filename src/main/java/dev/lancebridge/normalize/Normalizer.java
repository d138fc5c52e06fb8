package dev.lancebridge.normalize;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lancebridge.config.ColumnDeclaration;
import dev.lancebridge.config.ColumnType;
import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.config.TextTemplate;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Turns a {@link RawEvent} into a {@link Row}, a {@link Deletion} or a {@link Rejection}, as the
 * table's {@link TableDeclaration} says. Pure: no I/O, no shared state, the same event always
 * gives the same result.
 *
 * <p>Payload: a JSON object. The row's text is the declaration's template over payload fields
 * (by default the field {@code text}); its id is the field at the declared id pointer (by default
 * {@code id}; a string or an integer), else the {@code Nats-Msg-Id} header, else
 * {@code <stream>:<stream sequence>}; each declared column is read at its pointer and must have
 * its type. {@code vector}, when present, must be exactly {@code dimension} numbers. A
 * {@code Bridge-Op: delete} event names the row to delete by its id.
 */
public final class Normalizer {

    public static final String OP_DELETE = "delete";
    public static final String OP_UPSERT = "upsert";
    static final String VECTOR = "vector";

    /** Reads a float from four little-endian bytes of a byte[]; the JIT turns it into a plain load. */
    private static final java.lang.invoke.VarHandle LITTLE_ENDIAN_FLOATS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(float[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build());

    private final TableDeclaration table;
    private final int dimension;
    /** The model name of a vector the event carried; null when every event must carry one ({@link #vectorsRequired}). */
    private final String vectorsRequired;
    /** The payload's top-level fields the declaration reads; the rest are skipped unparsed. */
    private final Set<String> read;

    /**
     * @param vectorsRequired null when the table computes vectors (an event may still carry its
     *                        own, marked {@link Row#PROVIDED}); else every event must carry one,
     *                        and this is the model name stored with it
     */
    public Normalizer(TableDeclaration table, int dimension, String vectorsRequired) {
        this.table = table;
        this.dimension = dimension;
        this.vectorsRequired = vectorsRequired;
        this.read = table.topLevelFields();
    }

    public Normalized normalize(RawEvent event) {
        Payload payload;
        VectorScan.Found scanned = VectorScan.find(event.payload(), dimension);
        try (JsonParser parser = JSON.createParser(scanned == null ? event.payload() : scanned.emptied(event.payload()))) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                String kind = first == null ? "empty" : kindOf(parser);
                return reject(event, Rejection.Reason.NOT_AN_OBJECT, "payload must be a JSON object, got " + kind);
            }
            payload = readObject(parser, scanned);
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
     * The fields the table reads, in one streaming pass: {@code vector} goes straight into a
     * {@code float[]} (no tree of boxed numbers), declared fields become small trees, and the
     * rest are skipped. A repeated key keeps its last value, as a JSON tree would.
     *
     * @param scanned the vector {@link VectorScan} already read (its array emptied in what the parser reads), or null
     */
    private Payload readObject(JsonParser parser, VectorScan.Found scanned) throws IOException {
        ObjectNode fields = JSON.createObjectNode();
        Payload payload = new Payload(fields);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals(VECTOR)) {
                payload.readVector(parser, value, dimension, scanned);
            } else if (read.contains(name)) {
                fields.set(name, JSON.readTree(parser));
            } else {
                parser.skipChildren();
            }
        }
        return payload;
    }

    /** What {@link #readObject} kept: the declared fields as trees, the vector parsed or described. */
    private static final class Payload {
        final ObjectNode fields;
        boolean hasVector;
        float[] vector;
        String vectorProblem;

        Payload(ObjectNode fields) {
            this.fields = fields;
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
    }

    private Normalized deletion(RawEvent event, JsonNode payload) {
        JsonNode id = payload.at(table.id());
        if (id.isMissingNode()) {
            return reject(event, Rejection.Reason.MISSING_ID, "a delete needs the payload field '" + label(table.id()) + "'");
        }
        String parsed = parseId(id);
        return parsed == null ? invalidId(event, id) : new Deletion(parsed, event.streamSeq());
    }

    private Normalized row(RawEvent event, Payload parsed) {
        JsonNode payload = parsed.fields;
        StringBuilder text = new StringBuilder();
        boolean anyField = false;
        for (TextTemplate.Part part : table.text().parts()) {
            if (!part.isField()) {
                text.append(part.literal());
                continue;
            }
            JsonNode value = payload.at(part.field());
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            if (!value.isTextual()) {
                return reject(event, Rejection.Reason.INVALID_TEXT,
                        "'" + part.label() + "' must be a string, got " + value.getNodeType().name().toLowerCase());
            }
            anyField = true;
            text.append(value.asText());
        }
        if (!anyField) {
            List<String> fields = table.text().fields().stream().map(TextTemplate.Part::label).toList();
            return reject(event, Rejection.Reason.MISSING_TEXT, fields.size() == 1
                    ? "payload has no '" + fields.get(0) + "' field (or it is null)"
                    : "payload has none of the text fields " + fields + " (text template " + table.text().source() + ")");
        }
        if (text.toString().isBlank()) {
            return reject(event, Rejection.Reason.INVALID_TEXT, table.text().fields().size() == 1
                    ? "'" + table.text().fields().get(0).label() + "' is empty"
                    : "the text (template " + table.text().source() + ") is empty");
        }
        String id;
        JsonNode idNode = payload.at(table.id());
        if (!idNode.isMissingNode()) {
            id = parseId(idNode);
            if (id == null) {
                return invalidId(event, idNode);
            }
        } else if (event.msgId() != null && !event.msgId().isEmpty()) {
            id = event.msgId();
        } else {
            id = event.stream() + ":" + event.streamSeq();
        }
        long eventTime = event.timeMillis();
        if (table.eventTime().isPresent()) {
            JsonNode at = payload.at(table.eventTime().get());
            if (!at.isMissingNode() && !at.isNull()) {
                Object millis = ColumnValues.read(ColumnType.TIMESTAMP, at);
                if (millis instanceof ColumnValues.Invalid invalid) {
                    return reject(event, Rejection.Reason.INVALID_FIELD,
                            "event time '" + label(table.eventTime().get()) + "' must be " + invalid.expected());
                }
                eventTime = (Long) millis;
            }
        }
        Object[] values = new Object[table.columns().size()];
        for (int i = 0; i < values.length; i++) {
            ColumnDeclaration column = table.columns().get(i);
            JsonNode value = payload.at(column.pointer());
            if (value.isMissingNode() || value.isNull()) {
                if (!column.nullable()) {
                    return reject(event, Rejection.Reason.MISSING_FIELD, "column '" + column.name() + "' needs the payload field '"
                            + label(column.pointer()) + "' (declared not nullable)");
                }
                continue;
            }
            Object typed = ColumnValues.read(column.type(), value);
            if (typed instanceof ColumnValues.Invalid invalid) {
                return reject(event, Rejection.Reason.INVALID_FIELD, "column '" + column.name() + "' (" + column.type().declared()
                        + ") at '" + label(column.pointer()) + "' must be " + invalid.expected() + ", got "
                        + value.getNodeType().name().toLowerCase() + " " + abbreviate(value.toString()));
            }
            values[i] = typed;
        }
        float[] vector = null;
        String model = null;
        if (parsed.hasVector) {
            if (parsed.vector == null) {
                return reject(event, Rejection.Reason.INVALID_VECTOR, "'vector' must be an array of "
                        + dimension + " numbers, or base64 of " + dimension + " little-endian float32, got " + parsed.vectorProblem);
            }
            vector = parsed.vector;
            model = vectorsRequired == null ? Row.PROVIDED : vectorsRequired;
        } else if (vectorsRequired != null) {
            return reject(event, Rejection.Reason.MISSING_VECTOR, "table '" + table.name() + "' takes its vectors from"
                    + " the events: 'vector' must be an array of " + dimension + " numbers");
        }
        String rowText = text.toString();
        return new Row(id, rowText, Row.hash(rowText), vector, model, event.subject(), event.streamSeq(), eventTime, values);
    }

    private static String label(JsonPointer pointer) {
        return pointer.toString().substring(1);
    }

    private static String abbreviate(String json) {
        return json.length() <= 60 ? json : json.substring(0, 57) + "...";
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
