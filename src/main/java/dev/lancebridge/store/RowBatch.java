package dev.lancebridge.store;

import dev.lancebridge.config.ColumnDeclaration;
import dev.lancebridge.normalize.Row;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rows to one Arrow batch of the table's stored schema, column by column, in Java memory (no JNI
 * per row). A stored column the rows do not fill (one no longer declared) is null.
 */
final class RowBatch {

    private RowBatch() {
    }

    /** Fills a new batch (owned by the caller) with {@code rows}, each of which must hold a {@code dimension}-sized vector. */
    static VectorSchemaRoot of(List<Row> rows, Schema schema, TableLayout layout, BufferAllocator allocator) {
        int n = rows.size();
        int dimension = layout.dimension();
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
            VarCharVector hashes = (VarCharVector) batch.getVector(TableSchema.TEXT_HASH);
            VarCharVector subjects = (VarCharVector) batch.getVector(TableSchema.SUBJECT);
            BigIntVector seqs = (BigIntVector) batch.getVector(TableSchema.STREAM_SEQ);
            TimeStampMilliTZVector times = (TimeStampMilliTZVector) batch.getVector(TableSchema.EVENT_TIME);
            BigIntVector positions = (BigIntVector) batch.getVector(TableSchema.SOURCE_POSITION);
            while (values.getValueCapacity() < n * dimension) {
                values.reAlloc();
            }
            java.nio.FloatBuffer floats = values.getDataBuffer().nioBuffer(0, n * dimension * Float.BYTES)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            values.getValidityBuffer().setOne(0L, (long) org.apache.arrow.vector.BitVectorHelper.getValidityBufferSize(n * dimension));
            for (int i = 0; i < n; i++) {
                Row row = rows.get(i);
                if (row.vector() == null || row.vector().length != dimension) {
                    throw new IllegalArgumentException("row '" + row.id() + "' has no " + dimension + "-dimensional vector");
                }
                ids.setSafe(i, row.id().getBytes(StandardCharsets.UTF_8));
                texts.setSafe(i, row.text().getBytes(StandardCharsets.UTF_8));
                vectors.setNotNull(i);
                floats.put(i * dimension, row.vector()); // one bulk copy per row, no per-value bounds and validity calls
                models.setSafe(i, row.embeddingModel().getBytes(StandardCharsets.UTF_8));
                dims.set(i, dimension);
                hashes.setSafe(i, row.textHash().getBytes(StandardCharsets.UTF_8));
                if (row.subject() != null) {
                    subjects.setSafe(i, row.subject().getBytes(StandardCharsets.UTF_8));
                }
                seqs.set(i, row.streamSeq());
                times.set(i, row.eventTimeMillis());
                if (positions != null) {
                    positions.set(i, row.position());
                }
            }
            values.setValueCount(n * dimension);
            List<ColumnDeclaration> declared = layout.columns();
            for (int c = 0; c < declared.size(); c++) {
                fill(batch.getVector(declared.get(c).name()), rows, c);
            }
            batch.setRowCount(n);
            return batch;
        } catch (RuntimeException e) {
            batch.close();
            throw e;
        }
    }

    /** Declared column {@code c} of every row into {@code vector}, typed as {@code ColumnValues} made it. */
    private static void fill(FieldVector vector, List<Row> rows, int c) {
        for (int i = 0; i < rows.size(); i++) {
            Object value = rows.get(i).values()[c];
            if (value == null) {
                vector.setNull(i);
            } else {
                set(vector, i, value);
            }
        }
        vector.setValueCount(rows.size());
    }

    /** One non-null value of a Java type the normalizer produces into a vector of the matching Arrow type. */
    static void set(FieldVector vector, int index, Object value) {
        if (vector instanceof VarCharVector text) {
            text.setSafe(index, value.toString().getBytes(StandardCharsets.UTF_8));
        } else if (vector instanceof IntVector ints) {
            ints.setSafe(index, ((Number) value).intValue());
        } else if (vector instanceof BigIntVector longs) {
            longs.setSafe(index, ((Number) value).longValue());
        } else if (vector instanceof Float8Vector doubles) {
            doubles.setSafe(index, ((Number) value).doubleValue());
        } else if (vector instanceof Float4Vector floats) {
            floats.setSafe(index, ((Number) value).floatValue());
        } else if (vector instanceof BitVector bits) {
            bits.setSafe(index, (Boolean) value ? 1 : 0);
        } else if (vector instanceof TimeStampMilliTZVector time) {
            time.setSafe(index, value instanceof Number millis ? millis.longValue()
                    : java.time.Instant.parse(value.toString()).toEpochMilli());
        } else if (vector instanceof ListVector list && list.getDataVector() instanceof VarCharVector strings) {
            List<?> items = (List<?>) value;
            int start = list.startNewValue(index);
            for (int j = 0; j < items.size(); j++) {
                strings.setSafe(start + j, items.get(j).toString().getBytes(StandardCharsets.UTF_8));
            }
            list.endValue(index, items.size());
            strings.setValueCount(start + items.size());
        } else if (vector instanceof FixedSizeListVector list && list.getDataVector() instanceof Float4Vector data) {
            List<?> items = (List<?>) value;
            int base = index * list.getListSize();
            for (int j = 0; j < items.size(); j++) {
                data.setSafe(base + j, ((Number) items.get(j)).floatValue());
            }
            data.setValueCount(Math.max(data.getValueCount(), base + items.size()));
            list.setNotNull(index);
        } else {
            throw new IllegalStateException("column " + vector.getName() + " has a type the bridge cannot write: "
                    + vector.getField().getType());
        }
    }
}
