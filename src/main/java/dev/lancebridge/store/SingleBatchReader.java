package dev.lancebridge.store;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Hands one filled {@link VectorSchemaRoot} to Lance as an Arrow stream. The buffers move by
 * reference (unload/load), never by copy; the reader owns and closes the batch.
 */
final class SingleBatchReader extends ArrowReader {

    private final VectorSchemaRoot batch;
    private boolean delivered;

    SingleBatchReader(BufferAllocator allocator, VectorSchemaRoot batch) {
        super(allocator);
        this.batch = batch;
    }

    @Override
    public boolean loadNextBatch() throws java.io.IOException {
        prepareLoadNextBatch();
        if (delivered) {
            return false;
        }
        delivered = true;
        try (ArrowRecordBatch records = new VectorUnloader(batch).getRecordBatch()) {
            loadRecordBatch(records);
        }
        return true;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() {
        batch.close();
    }

    @Override
    protected Schema readSchema() {
        return batch.getSchema();
    }
}
