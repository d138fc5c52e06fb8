package dev.lancebridge.normalize;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.config.ColumnDeclaration;
import dev.lancebridge.config.ColumnType;
import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.config.TableFormat;
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
        return table.format() == TableFormat.DEBEZIUM ? debezium(event) : json(event);
    }

    /** A Debezium change event: its op decides, its row image is what the declaration's pointers read. */
    private Normalized debezium(RawEvent event) {
        DebeziumEnvelope.Read read = DebeziumEnvelope.read(JSON, event.payload());
        if (read instanceof DebeziumEnvelope.Empty) {
            return new Ignored(event.streamSeq());
        }
        if (read instanceof DebeziumEnvelope.Problem problem) {
            return reject(event, problem.reason(), problem.detail());
        }
        DebeziumEnvelope.Change change = (DebeziumEnvelope.Change) read;
        return switch (change.op()) {
            case 't' -> new Truncation(event.streamSeq(), change.position());
            case 'd' -> deletion(event, change.image(), change.position());
            // a change happened when the source committed it, not when JetStream stored it
            default -> row(event, new Payload(change.image()), change.position(),
                    change.sourceMillis() == null ? event.timeMillis() : change.sourceMillis());
        };
    }

    /** The row id a Debezium key header names (with or without its schema part), or null when it names none. */
    private String idOfKey(String key) {
        if (key == null) {
            return null;
        }
        try {
            JsonNode fields = JSON.readTree(key);
            fields = fields.has("payload") && fields.get("payload").isObject() ? fields.get("payload") : fields;
            return key(fields).id();
        } catch (IOException e) {
            return null;
        }
    }

    private Normalized json(RawEvent event) {
        Payload payload;
        VectorScan.Found scanned = VectorScan.find(event.payload(), dimension);
        try (JsonParser parser = JSON.createParser(scanned == null ? event.payload() : scanned.emptied(event.payload()))) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                String kind = first == null ? "empty" : Payload.kindOf(parser);
                return reject(event, Rejection.Reason.NOT_AN_OBJECT, "payload must be a JSON object, got " + kind);
            }
            payload = Payload.read(JSON, parser, scanned, read, dimension);
        } catch (JsonProcessingException e) {
            return reject(event, Rejection.Reason.NOT_JSON, "payload is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return reject(event, Rejection.Reason.NOT_JSON, "payload is not valid JSON: " + e.getMessage());
        }
        String op = event.op() == null ? OP_UPSERT : event.op().trim().toLowerCase();
        return switch (op) {
            case OP_DELETE -> deletion(event, payload.fields, event.streamSeq());
            case OP_UPSERT -> row(event, payload, event.streamSeq(), event.timeMillis());
            default -> reject(event, Rejection.Reason.UNKNOWN_OP,
                    "Bridge-Op must be 'upsert' or 'delete', got '" + event.op() + "'");
        };
    }

    private Normalized deletion(RawEvent event, JsonNode payload, long position) {
        Key key = key(payload);
        if (key.missing() != null) {
            return reject(event, Rejection.Reason.MISSING_ID, "a delete needs the " + where() + " field '" + label(key.missing()) + "'");
        }
        return key.invalid() != null ? invalidId(event, key.invalid())
                : new Deletion(key.id(), event.streamSeq(), position, table.format() == TableFormat.DEBEZIUM && event.movedKey() != null);
    }

    private String where() {
        return table.format() == TableFormat.DEBEZIUM ? "row image" : "payload";
    }

    /**
     * The key fields read once: the id, else the first key field {@code payload} lacks, else the
     * first value that cannot be (part of) an id.
     */
    private record Key(String id, JsonPointer missing, JsonNode invalid) {
    }

    /** A single key's value as is; a composite key's values as a JSON array ({@code [42,"en"]}), unambiguous. */
    private Key key(JsonNode payload) {
        List<JsonPointer> fields = table.id();
        if (fields.size() == 1) { // the usual key, once per event: no array, no stream
            JsonNode value = payload.at(fields.get(0));
            if (value.isMissingNode()) {
                return new Key(null, fields.get(0), null);
            }
            String id = parseId(value);
            return id == null ? new Key(null, null, value) : new Key(id, null, null);
        }
        List<JsonNode> values = new java.util.ArrayList<>(fields.size());
        for (JsonPointer field : fields) {
            JsonNode value = payload.at(field);
            if (value.isMissingNode()) {
                return new Key(null, field, null);
            }
            values.add(value);
        }
        com.fasterxml.jackson.databind.node.ArrayNode parts = JSON.createArrayNode();
        for (JsonNode value : values) {
            if (parseId(value) == null) {
                return new Key(null, null, value);
            }
            parts.add(value);
        }
        return new Key(parts.toString(), null, null);
    }

    /** @param stored when the event happened unless its declared event-time field says otherwise (epoch ms) */
    private Normalized row(RawEvent event, Payload parsed, long position, long stored) {
        JsonNode payload = parsed.fields;
        List<TextTemplate.Part> template = table.text().parts();
        String[] parts = new String[template.size()];
        int[] partSources = null;
        boolean anyField = false;
        for (int i = 0; i < parts.length; i++) {
            TextTemplate.Part part = template.get(i);
            parts[i] = part.isField() ? "" : part.literal();
            if (!part.isField()) {
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
            if (unavailable(value)) {
                int source = storedSourceOf(part);
                if (source == NO_SOURCE) {
                    return reject(event, Rejection.Reason.UNAVAILABLE_VALUE, "'" + part.label() + "' is an unchanged TOASTed value"
                            + " Debezium left out, and the table does not store it: declare a string column at '"
                            + part.label() + "' so that the stored value is kept, or set REPLICA IDENTITY FULL on the table");
                }
                partSources = partSources == null ? new int[parts.length] : partSources;
                partSources[i] = source;
                parts[i] = null;
            } else {
                parts[i] = value.asText();
            }
        }
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            text.append(part == null ? "" : part);
        }
        if (!anyField) {
            List<String> fields = table.text().fields().stream().map(TextTemplate.Part::label).toList();
            return reject(event, Rejection.Reason.MISSING_TEXT, fields.size() == 1
                    ? where() + " has no '" + fields.get(0) + "' field (or it is null)"
                    : where() + " has none of the text fields " + fields + " (text template " + table.text().source() + ")");
        }
        if (partSources == null && text.toString().isBlank()) {
            return reject(event, Rejection.Reason.INVALID_TEXT, table.text().fields().size() == 1
                    ? "'" + table.text().fields().get(0).label() + "' is empty"
                    : "the text (template " + table.text().source() + ") is empty");
        }
        String id;
        Key key = key(payload);
        if (key.missing() == null) {
            if (key.invalid() != null) {
                return invalidId(event, key.invalid());
            }
            id = key.id();
        } else if (table.format() == TableFormat.DEBEZIUM || table.id().size() > 1) {
            return reject(event, Rejection.Reason.MISSING_ID, "the " + where() + " has no key field '" + label(key.missing()) + "'");
        } else if (event.msgId() != null && !event.msgId().isEmpty()) {
            id = event.msgId();
        } else {
            id = event.stream() + ":" + event.streamSeq();
        }
        long eventTime = stored;
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
        List<Integer> unavailableColumns = new java.util.ArrayList<>(0);
        for (int i = 0; i < values.length; i++) {
            ColumnDeclaration column = table.columns().get(i);
            JsonNode value = payload.at(column.pointer());
            if (unavailable(value) || value.isArray() && value.size() == 1 && unavailable(value.get(0))) {
                unavailableColumns.add(i); // an unchanged TOASTed value (an array's is a one-element array)
                continue;
            }
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
        Unavailable left = partSources == null && unavailableColumns.isEmpty() ? null
                : new Unavailable(unavailableColumns.stream().mapToInt(Integer::intValue).toArray(), parts,
                        partSources == null ? new int[parts.length] : partSources, idOfKey(event.movedKey()));
        return new Row(id, rowText, Row.hash(rowText), vector, model, event.subject(), event.streamSeq(), eventTime, values, position,
                left);
    }

    private static final int NO_SOURCE = -2;

    /** Whether {@code value} is Debezium's placeholder for a value it did not read (only a Debezium table's). */
    private boolean unavailable(JsonNode value) {
        return table.format() == TableFormat.DEBEZIUM && value.isTextual() && value.asText().equals(DebeziumEnvelope.UNAVAILABLE);
    }

    /**
     * Where a template field's stored value is: the declared string column that reads the same
     * field, else the stored text when the template is that field alone; else {@link #NO_SOURCE}.
     */
    private int storedSourceOf(TextTemplate.Part part) {
        for (int c = 0; c < table.columns().size(); c++) {
            ColumnDeclaration column = table.columns().get(c);
            if (column.pointer().equals(part.field()) && column.type() == ColumnType.STRING) {
                return c;
            }
        }
        return table.text().parts().size() == 1 ? Unavailable.STORED_TEXT : NO_SOURCE;
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

    private static Rejection invalidId(RawEvent event, JsonNode id) {
        String got = id.isTextual() ? "an empty string" : id.getNodeType().name().toLowerCase()
                + (id.isNumber() ? " " + id.asText() : "");
        return reject(event, Rejection.Reason.INVALID_ID, "'id' must be a non-empty string or an integer, got " + got);
    }

    private static Rejection reject(RawEvent event, Rejection.Reason reason, String detail) {
        return new Rejection(reason, detail, event.streamSeq());
    }
}
