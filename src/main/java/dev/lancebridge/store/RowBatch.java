package dev.lancebridge.store;

import dev.lancebridge.normalize.Row;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Rows to one Arrow batch of the {@link TableSchema} layout, column by column, in Java memory (no JNI per row). */
final class RowBatch {

    private RowBatch() {
    }

    /** Fills a new batch (owned by the caller) with {@code rows}, each of which must hold a {@code dimension}-sized vector. */
    static VectorSchemaRoot of(List<Row> rows, Schema schema, int dimension, BufferAllocator allocator) {
        int n = rows.size();
        VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator);
        try {
            for (FieldVector vector : batch.getFieldVectors()) {
                vector.setInitialCapacity(n);
            }
            batch.allocateNew();
            VarCharVector ids = (VarCharVector) batch.getVector(TableSchema.ID);
            VarCharVector texts = (VarCharVector) batch.getVector(TableSchema.TEXT);
            FixedSizeListVector vectors = (FixedSizeListVector) batch.getVector(TableSchema.VECTOR);
            Float4Vector values = (Float4Vector) vectors.getDataVector();
            VarCharVector models = (VarCharVector) batch.getVector(TableSchema.EMBEDDING_MODEL);
            IntVector dims = (IntVector) batch.getVector(TableSchema.EMBEDDING_DIM);
            VarCharVector subjects = (VarCharVector) batch.getVector(TableSchema.SUBJECT);
            BigIntVector seqs = (BigIntVector) batch.getVector(TableSchema.STREAM_SEQ);
            TimeStampMilliTZVector times = (TimeStampMilliTZVector) batch.getVector(TableSchema.EVENT_TIME);
            for (int i = 0; i < n; i++) {
                Row row = rows.get(i);
                if (row.vector() == null || row.vector().length != dimension) {
                    throw new IllegalArgumentException("row '" + row.id() + "' has no " + dimension + "-dimensional vector");
                }
                ids.setSafe(i, row.id().getBytes(StandardCharsets.UTF_8));
                texts.setSafe(i, row.text().getBytes(StandardCharsets.UTF_8));
                vectors.setNotNull(i);
                int base = i * dimension;
                float[] vector = row.vector();
                for (int j = 0; j < dimension; j++) {
                    values.set(base + j, vector[j]);
                }
                models.setSafe(i, row.embeddingModel().getBytes(StandardCharsets.UTF_8));
                dims.set(i, dimension);
                if (row.subject() != null) {
                    subjects.setSafe(i, row.subject().getBytes(StandardCharsets.UTF_8));
                }
                seqs.set(i, row.streamSeq());
                times.set(i, row.eventTimeMillis());
            }
            values.setValueCount(n * dimension);
            batch.setRowCount(n);
            return batch;
        } catch (RuntimeException e) {
            batch.close();
            throw e;
        }
    }
}
