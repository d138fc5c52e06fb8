package dev.lancebridge.store;

import dev.lancebridge.config.ColumnDeclaration;
import dev.lancebridge.embed.LanceDbFunction;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Arrow schema of a bridge table: the columns every table has, then its declared columns,
 * with the LanceDB embedding-function metadata that lets LanceDB's own SDKs know which column was
 * embedded into which.
 */
public final class TableSchema {

    public static final String ID = "id";
    public static final String TEXT = "text";
    public static final String VECTOR = "vector";
    public static final String EMBEDDING_MODEL = "embedding_model";
    public static final String EMBEDDING_DIM = "embedding_dim";
    public static final String TEXT_HASH = "text_hash";
    public static final String SUBJECT = "subject";
    public static final String STREAM_SEQ = "stream_seq";
    public static final String EVENT_TIME = "event_time";
    /** A Debezium table's source position of each row's change (see {@link Ordering}). */
    public static final String SOURCE_POSITION = "source_position";
    /** The schema metadata key of the model the table's vectors are from, as the bridge names it. */
    public static final String BRIDGE_MODEL = "lance_bridge.embedding_model";
    /** The schema metadata key LanceDB's SDKs read their embedding functions from. */
    public static final String EMBEDDING_FUNCTIONS = "embedding_functions";

    /** Columns every table has; a declared column may not take one of these names. */
    public static final List<String> BUILT_IN_COLUMNS =
            List.of(ID, TEXT, VECTOR, EMBEDDING_MODEL, EMBEDDING_DIM, TEXT_HASH, SUBJECT, STREAM_SEQ, EVENT_TIME, SOURCE_POSITION);

    private TableSchema() {
    }

    static Schema of(TableLayout layout) {
        Field item = new Field("item", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
        List<Field> fields = new ArrayList<>(List.of(
                new Field(ID, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field(TEXT, FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field(VECTOR, FieldType.nullable(new ArrowType.FixedSizeList(layout.dimension())), List.of(item)),
                new Field(EMBEDDING_MODEL, FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field(EMBEDDING_DIM, FieldType.nullable(new ArrowType.Int(32, true)), null),
                new Field(TEXT_HASH, FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field(SUBJECT, FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field(STREAM_SEQ, FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field(EVENT_TIME, FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")), null)));
        if (layout.ordering().bySource()) {
            // nullable: a table that was ordered by stream before holds rows without one
            fields.add(new Field(SOURCE_POSITION, FieldType.nullable(new ArrowType.Int(64, true)), null));
        }
        layout.columns().forEach(column -> fields.add(field(column)));
        Map<String, String> metadata = new java.util.HashMap<>();
        metadata.put(BRIDGE_MODEL, layout.model());
        if (layout.function() != null) {
            metadata.put(EMBEDDING_FUNCTIONS, embeddingFunctions(layout.function()));
        }
        return new Schema(fields, metadata);
    }

    /**
     * A declared column's field. Always nullable in storage: a declaration may drop a column
     * later, and rows then hold null; a column declared not nullable is enforced when events
     * are normalized.
     */
    static Field field(ColumnDeclaration column) {
        ArrowType type = switch (column.type()) {
            case STRING, JSON -> ArrowType.Utf8.INSTANCE;
            case INT -> new ArrowType.Int(32, true);
            case LONG -> new ArrowType.Int(64, true);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
            case STRING_LIST -> ArrowType.List.INSTANCE;
        };
        List<Field> children = type instanceof ArrowType.List
                ? List.of(new Field("item", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)) : null;
        return new Field(column.name(), FieldType.nullable(type), children);
    }

    /** The JSON LanceDB's Python SDK writes for an embedding function (the TS SDK reads it too). */
    private static String embeddingFunctions(LanceDbFunction function) {
        String model = function.name().equals(LanceDbFunction.SENTENCE_TRANSFORMERS)
                ? "{\"name\":\"" + function.model() + "\",\"device\":\"cpu\",\"normalize\":true}"
                : "{\"name\":\"" + function.model() + "\"}";
        return "[{\"name\":\"" + function.name() + "\",\"model\":" + model + ",\"source_column\":\"" + TEXT
                + "\",\"vector_column\":\"" + VECTOR + "\"}]";
    }
}
