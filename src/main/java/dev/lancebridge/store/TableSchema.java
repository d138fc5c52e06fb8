package dev.lancebridge.store;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;
import java.util.Map;

/**
 * The Arrow schema of a bridge table, and the LanceDB embedding-function metadata that lets
 * LanceDB's own SDKs know which column was embedded into which.
 */
public final class TableSchema {

    public static final String ID = "id";
    public static final String TEXT = "text";
    public static final String VECTOR = "vector";
    public static final String EMBEDDING_MODEL = "embedding_model";
    public static final String EMBEDDING_DIM = "embedding_dim";
    public static final String SUBJECT = "subject";
    public static final String STREAM_SEQ = "stream_seq";
    public static final String EVENT_TIME = "event_time";

    /** Every column but the vector: what a search hit carries by default. */
    public static final List<String> SCALAR_COLUMNS =
            List.of(ID, TEXT, EMBEDDING_MODEL, EMBEDDING_DIM, SUBJECT, STREAM_SEQ, EVENT_TIME);

    private TableSchema() {
    }

    /**
     * @param dimension the vector length
     * @param model     the model name LanceDB's registries know it by, e.g. {@code all-MiniLM-L6-v2}
     */
    public static Schema of(int dimension, String model) {
        Field item = new Field("item", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
        return new Schema(List.of(
                new Field(ID, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field(TEXT, FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field(VECTOR, FieldType.nullable(new ArrowType.FixedSizeList(dimension)), List.of(item)),
                new Field(EMBEDDING_MODEL, FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field(EMBEDDING_DIM, FieldType.nullable(new ArrowType.Int(32, true)), null),
                new Field(SUBJECT, FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field(STREAM_SEQ, FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field(EVENT_TIME, FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")), null)),
                Map.of("embedding_functions", embeddingFunctions(model)));
    }

    /** The JSON LanceDB's Python SDK writes for a sentence-transformers function (the TS SDK reads it too). */
    private static String embeddingFunctions(String model) {
        return "[{\"name\":\"sentence-transformers\",\"model\":{\"name\":\"" + model
                + "\",\"device\":\"cpu\",\"normalize\":true},\"source_column\":\"" + TEXT
                + "\",\"vector_column\":\"" + VECTOR + "\"}]";
    }
}
