package dev.lancebridge.store;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows that were computed rather than scanned (fused hybrid hits) back to one Arrow batch, typed
 * as the table's columns, plus float score columns.
 */
final class RowsToArrow {

    private RowsToArrow() {
    }

    static VectorSchemaRoot of(Schema table, List<Map<String, Object>> rows, List<String> columns, List<String> scores,
                               BufferAllocator allocator) {
        List<Field> fields = new ArrayList<>();
        for (String column : columns) {
            fields.add(table.findField(column));
        }
        for (String score : scores) {
            fields.add(new Field(score, FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null));
        }
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
        try {
            root.allocateNew();
            for (FieldVector vector : root.getFieldVectors()) {
                for (int i = 0; i < rows.size(); i++) {
                    set(vector, i, rows.get(i).get(vector.getName()));
                }
                vector.setValueCount(rows.size());
            }
            root.setRowCount(rows.size());
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private static void set(FieldVector vector, int index, Object value) {
        if (value == null) {
            vector.setNull(index);
        } else {
            RowBatch.set(vector, index, value);
        }
    }
}
