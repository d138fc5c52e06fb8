package dev.lancebridge.search;

import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Arrow batches read into rows of column name to value, as JSON answers show them. */
public final class ArrowRows {

    private ArrowRows() {
    }

    /** Every row of the reader, in reader order. */
    public static List<Map<String, Object>> all(ArrowReader reader) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> batch;
        while (!(batch = nextBatch(reader)).isEmpty()) {
            rows.addAll(batch);
        }
        return rows;
    }

    /** The next non-empty batch of the reader; empty when the reader is done. */
    static List<Map<String, Object>> nextBatch(ArrowReader reader) throws IOException {
        while (reader.loadNextBatch()) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            if (root.getRowCount() == 0) {
                continue;
            }
            List<Map<String, Object>> rows = new ArrayList<>(root.getRowCount());
            for (int i = 0; i < root.getRowCount(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (FieldVector column : root.getFieldVectors()) {
                    row.put(column.getName(), value(column, i));
                }
                rows.add(row);
            }
            return rows;
        }
        return List.of();
    }

    private static Object value(FieldVector column, int index) {
        if (column.isNull(index)) {
            return null;
        }
        if (column instanceof VarCharVector text) {
            return new String(text.get(index), StandardCharsets.UTF_8);
        }
        if (column instanceof TimeStampMilliTZVector time) {
            return Instant.ofEpochMilli(time.get(index)).toString();
        }
        if (column instanceof ListVector list) {
            // Arrow's own objects would be Text values, which JSON shows as {} per item
            return ((List<?>) list.getObject(index)).stream().map(String::valueOf).toList();
        }
        return column.getObject(index);
    }
}
