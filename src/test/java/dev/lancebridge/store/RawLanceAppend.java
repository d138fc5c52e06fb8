package dev.lancebridge.store;

import dev.lancebridge.normalize.Row;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.lance.Dataset;
import org.lance.WriteParams;

import java.nio.file.Path;
import java.util.List;

/**
 * The benchmark's raw building block: plain Lance appends of the bridge's own row batches (same
 * schema, same Arrow building code), no NATS, no merge-insert, no dedupe.
 */
public final class RawLanceAppend {

    private RawLanceAppend() {
    }

    /** Appends {@code rows} in batches of {@code batchSize} to a new dataset at {@code path}; returns rows/s. */
    public static double rowsPerSecond(Path path, List<Row> rows, int batchSize, int dimension, String model) throws Exception {
        TableLayout layout = TableLayout.plain(dimension, model);
        var schema = layout.schema();
        try (BufferAllocator allocator = new RootAllocator()) {
            long start = System.nanoTime();
            for (int from = 0; from < rows.size(); from += batchSize) {
                List<Row> slice = rows.subList(from, Math.min(rows.size(), from + batchSize));
                try (SingleBatchReader reader = new SingleBatchReader(allocator, RowBatch.of(slice, schema, layout, allocator));
                     Dataset ignored = Dataset.write().allocator(allocator).reader(reader).uri(path.toString())
                             .mode(from == 0 ? WriteParams.WriteMode.CREATE : WriteParams.WriteMode.APPEND).execute()) {
                    // the handle is closed at once: only the commit is measured
                }
            }
            return rows.size() / ((System.nanoTime() - start) / 1e9);
        }
    }
}
