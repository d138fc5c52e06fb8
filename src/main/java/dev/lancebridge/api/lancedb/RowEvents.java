package dev.lancebridge.api.lancedb;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lancebridge.config.ColumnDeclaration;
import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.config.TextTemplate;
import dev.lancebridge.search.InvalidSearchException;
import dev.lancebridge.store.TableSchema;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rows a LanceDB client writes, as the events a producer would publish for them: {@code id} at the
 * declared id field, {@code text} at the text field, {@code vector} as base64 float32 (absent:
 * the bridge embeds the text), each declared column at its field. The columns the bridge computes
 * itself ({@code embedding_model}, {@code stream_seq}, ...) are left out, so rows read from the
 * table can be written back; any other column is refused, as is a text the table builds from a
 * template of several fields.
 */
final class RowEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RowEvents() {
    }

    /** One payload per row of {@code batch}. */
    static List<ObjectNode> payloads(VectorSchemaRoot batch, TableDeclaration table) {
        List<ObjectNode> payloads = new ArrayList<>(batch.getRowCount());
        for (int row = 0; row < batch.getRowCount(); row++) {
            payloads.add(NODES.objectNode());
        }
        for (FieldVector column : batch.getFieldVectors()) {
            String name = column.getName();
            JsonPointer at = fieldOf(name, table);
            if (at == null) {
                continue; // computed by the bridge
            }
            boolean jsonText = table.column(name).map(declared -> declared.type() == dev.lancebridge.config.ColumnType.JSON)
                    .orElse(false);
            for (int row = 0; row < batch.getRowCount(); row++) {
                if (!column.isNull(row)) {
                    put(payloads.get(row), at, name.equals(TableSchema.VECTOR) ? vector(column, row) : value(column, row, jsonText));
                }
            }
        }
        return payloads;
    }

    /** Ids of the rows, as the table stores them (for a delete, say). */
    static ObjectNode deletion(String id, TableDeclaration table) {
        ObjectNode payload = NODES.objectNode();
        put(payload, writableId(table), NODES.textNode(id));
        return payload;
    }

    /**
     * Where an event names its row: the table's single id field. A Debezium table mirrors a
     * database (write to the database), and a composite key's id cannot be split back into fields.
     */
    private static JsonPointer writableId(TableDeclaration table) {
        if (table.format() != dev.lancebridge.config.TableFormat.JSON) {
            throw new InvalidSearchException("table '" + table.name() + "' mirrors a database table through Debezium;"
                    + " write to the database instead");
        }
        if (table.id().size() != 1) {
            throw new InvalidSearchException("table '" + table.name() + "' has a composite key " + table.id()
                    + "; publish the events themselves");
        }
        return table.id().get(0);
    }

    /** Where a column goes in the event, or null for a column the bridge computes. */
    private static JsonPointer fieldOf(String column, TableDeclaration table) {
        switch (column) {
            case TableSchema.ID:
                return writableId(table);
            case TableSchema.VECTOR:
                return JsonPointer.compile("/" + TableSchema.VECTOR);
            case TableSchema.TEXT:
                List<TextTemplate.Part> parts = table.text().parts();
                if (parts.size() != 1 || !parts.get(0).isField()) {
                    throw new InvalidSearchException("table '" + table.name() + "' makes its text from the template "
                            + table.text().source() + ", so a written 'text' cannot become an event; publish the event itself");
                }
                return parts.get(0).field();
            default:
                if (TableSchema.BUILT_IN_COLUMNS.contains(column)) {
                    return null;
                }
                return table.column(column).map(ColumnDeclaration::pointer).orElseThrow(() -> new InvalidSearchException(
                        "table '" + table.name() + "' has no column '" + column + "'"));
        }
    }

    private static JsonNode vector(FieldVector column, int row) {
        if (!(column instanceof FixedSizeListVector list) || !(list.getDataVector() instanceof Float4Vector floats)) {
            throw new InvalidSearchException("'vector' must be a fixed-size list of float32, got " + column.getField().getType());
        }
        int size = list.getListSize();
        ByteBuffer bytes = ByteBuffer.allocate(size * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            bytes.putFloat(floats.get(row * size + i));
        }
        return NODES.textNode(Base64.getEncoder().encodeToString(bytes.array()));
    }

    /**
     * A column's value as the JSON a producer would send for it; the normalizer then checks it as any event's.
     *
     * @param jsonText the column is declared {@code json}: the table stores its JSON text, the event carries the value
     */
    private static JsonNode value(FieldVector column, int row, boolean jsonText) {
        if (column instanceof TimeStampVector timestamps) {
            ArrowType.Timestamp type = (ArrowType.Timestamp) column.getField().getType();
            return NODES.numberNode(millis(timestamps.get(row), type.getUnit()));
        }
        Object value = column.getObject(row);
        if (jsonText && value != null) {
            try {
                return JSON.readTree(value.toString()); // stored as its JSON text
            } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                return NODES.textNode(value.toString());
            }
        }
        return plain(value);
    }

    private static JsonNode plain(Object value) {
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(element -> array.add(plain(element)));
            return array;
        }
        if (value instanceof org.apache.arrow.vector.util.Text text) {
            return NODES.textNode(text.toString());
        }
        return JSON.valueToTree(value);
    }

    private static long millis(long value, org.apache.arrow.vector.types.TimeUnit unit) {
        return switch (unit) {
            case SECOND -> TimeUnit.SECONDS.toMillis(value);
            case MILLISECOND -> value;
            case MICROSECOND -> TimeUnit.MICROSECONDS.toMillis(value);
            case NANOSECOND -> TimeUnit.NANOSECONDS.toMillis(value);
        };
    }

    /** Sets {@code value} at {@code at}, making the objects on the way. */
    private static void put(ObjectNode root, JsonPointer at, JsonNode value) {
        ObjectNode parent = root;
        JsonPointer step = at;
        while (!step.tail().matches()) {
            String name = step.getMatchingProperty();
            JsonNode next = parent.get(name);
            parent = next instanceof ObjectNode object ? object : parent.putObject(name);
            step = step.tail();
        }
        parent.set(step.getMatchingProperty(), value);
    }
}
