package dev.lancebridge.bench;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads an Arrow IPC stream to its end, as a client would, counting rows and bytes. */
record ArrowCount(long rows, long bytes) {

    static ArrowCount rows(InputStream body) throws IOException {
        long[] bytes = {0};
        InputStream counting = new FilterInputStream(body) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    bytes[0] += n;
                }
                return n;
            }
        };
        long rows = 0;
        try (RootAllocator allocator = new RootAllocator(); ArrowStreamReader reader = new ArrowStreamReader(counting, allocator)) {
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            // past the end-of-stream marker to the end of the HTTP body, so the connection is kept alive
            counting.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return new ArrowCount(rows, bytes[0]);
    }
}
