package dev.lancebridge.search;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.Map;

/**
 * Arrow IPC encoding: the scanner's batches, written as they come, without a detour through Java
 * objects; as a stream, or in the file framing (the same messages between magic bytes, with a
 * footer) that LanceDB's remote clients read by default.
 */
public final class ArrowIpc {

    public static final String MEDIA_TYPE = "application/vnd.apache.arrow.stream";
    public static final String FILE_MEDIA_TYPE = "application/vnd.apache.arrow.file";
    public static final String MODE_KEY = "bridge.mode";
    public static final String VERSION_KEY = "bridge.version";

    private ArrowIpc() {
    }

    static Map<String, String> metadata(String mode, long version) {
        return Map.of(MODE_KEY, mode, VERSION_KEY, Long.toString(version));
    }

    /**
     * Writes every batch of {@code reader} to {@code out}. The written schema is the reader's
     * plus {@code metadata}; the column buffers are the scanner's own (a view, not a copy).
     */
    static void write(ArrowReader reader, Map<String, String> metadata, OutputStream out, Encoding encoding) {
        try {
            VectorSchemaRoot scanned = reader.getVectorSchemaRoot();
            Schema schema = new Schema(scanned.getSchema().getFields(), metadata);
            VectorSchemaRoot view = new VectorSchemaRoot(schema, scanned.getFieldVectors(), 0);
            try (ArrowWriter writer = encoding == Encoding.ARROW_FILE ? new ArrowFileWriter(view, null, Channels.newChannel(out))
                    : new ArrowStreamWriter(view, null, Channels.newChannel(out))) {
                writer.start();
                while (reader.loadNextBatch()) {
                    Admission.checkNotTimedOut();
                    view.setRowCount(scanned.getRowCount());
                    writer.writeBatch();
                }
                writer.end();
            } // closing the writer flushes and closes out: a flush after it failed as if the client had gone
        } catch (IOException e) {
            throw new UncheckedIOException("writing the Arrow stream failed: " + e.getMessage(), e);
        }
    }
}
