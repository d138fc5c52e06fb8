package dev.lancebridge.api.lancedb;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.Map;

/**
 * An Arrow schema in the JSON form LanceDB's remote clients read from {@code describe}: Lance's
 * own ({@code rust/lance/src/arrow/json.rs}), where a type is its logical name ({@code string},
 * {@code float}, {@code timestamp:ms:-}) and nested types carry their child fields.
 */
final class LanceJsonSchema {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private LanceJsonSchema() {
    }

    static ObjectNode of(Schema schema) {
        ObjectNode json = JSON.objectNode();
        ArrayNode fields = json.putArray("fields");
        schema.getFields().forEach(field -> fields.add(field(field)));
        metadata(json, schema.getCustomMetadata());
        return json;
    }

    private static ObjectNode field(Field field) {
        ObjectNode json = JSON.objectNode();
        json.put("name", field.getName());
        json.set("type", type(field));
        json.put("nullable", field.isNullable());
        metadata(json, field.getMetadata());
        return json;
    }

    private static ObjectNode type(Field field) {
        ObjectNode json = JSON.objectNode();
        ArrowType type = field.getType();
        json.put("type", name(type));
        if (!field.getChildren().isEmpty()) {
            ArrayNode children = json.putArray("fields");
            field.getChildren().forEach(child -> children.add(field(child)));
        }
        if (type instanceof ArrowType.FixedSizeList list) {
            json.put("length", list.getListSize());
        } else if (type instanceof ArrowType.FixedSizeBinary binary) {
            json.put("length", binary.getByteWidth());
        }
        return json;
    }

    /** Lance's logical type name; refuses what no bridge table holds rather than naming it wrong. */
    static String name(ArrowType type) {
        if (type instanceof ArrowType.Int integer) {
            return (integer.getIsSigned() ? "int" : "uint") + integer.getBitWidth();
        }
        if (type instanceof ArrowType.FloatingPoint floating) {
            return floating.getPrecision() == FloatingPointPrecision.HALF ? "halffloat"
                    : floating.getPrecision() == FloatingPointPrecision.SINGLE ? "float" : "double";
        }
        if (type instanceof ArrowType.Date date) {
            return date.getUnit() == org.apache.arrow.vector.types.DateUnit.DAY ? "date32:day" : "date64:ms";
        }
        if (type instanceof ArrowType.Timestamp timestamp) {
            return "timestamp:" + unit(timestamp.getUnit()) + ":" + (timestamp.getTimezone() == null ? "-" : timestamp.getTimezone());
        }
        String name = SIMPLE.get(type.getTypeID());
        if (name == null) {
            throw new IllegalStateException("no Lance JSON name for the Arrow type " + type);
        }
        return name;
    }

    /** Types named by their kind alone. */
    private static final Map<ArrowType.ArrowTypeID, String> SIMPLE = Map.ofEntries(
            Map.entry(ArrowType.ArrowTypeID.Null, "null"), Map.entry(ArrowType.ArrowTypeID.Bool, "bool"),
            Map.entry(ArrowType.ArrowTypeID.Utf8, "string"), Map.entry(ArrowType.ArrowTypeID.LargeUtf8, "large_string"),
            Map.entry(ArrowType.ArrowTypeID.Binary, "binary"), Map.entry(ArrowType.ArrowTypeID.LargeBinary, "large_binary"),
            Map.entry(ArrowType.ArrowTypeID.List, "list"), Map.entry(ArrowType.ArrowTypeID.LargeList, "large_list"),
            Map.entry(ArrowType.ArrowTypeID.FixedSizeList, "fixed_size_list"),
            Map.entry(ArrowType.ArrowTypeID.FixedSizeBinary, "fixed_size_binary"), Map.entry(ArrowType.ArrowTypeID.Struct, "struct"));

    private static String unit(TimeUnit unit) {
        return switch (unit) {
            case SECOND -> "s";
            case MILLISECOND -> "ms";
            case MICROSECOND -> "us";
            case NANOSECOND -> "ns";
        };
    }

    private static void metadata(ObjectNode json, Map<String, String> metadata) {
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode node = json.putObject("metadata");
            metadata.forEach(node::put);
        }
    }
}
