package dev.lancebridge.search;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.vector.ipc.ArrowReader;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** {@code {"version": n, "rows": [...]}}, written batch by batch: an export never holds the table in memory. */
final class JsonRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonRows() {
    }

    static void write(ArrowReader reader, long version, OutputStream out) {
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("version", version);
            json.writeArrayFieldStart("rows");
            List<Map<String, Object>> batch;
            while (!(batch = ArrowRows.nextBatch(reader)).isEmpty()) {
                for (Map<String, Object> row : batch) {
                    JSON.writeValue(json, row);
                }
                json.flush();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing rows failed: " + e.getMessage(), e);
        }
    }
}
