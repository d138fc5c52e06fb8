package dev.lancebridge.store;

import dev.lancebridge.normalize.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.Dataset;
import org.lance.compaction.CompactionOptions;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each failure LanceFailure recognises, raised by Lance 7.0.0 itself on a real dataset. */
class LanceFailureTest {

    @TempDir
    Path dir;
    private LanceStore store;
    private LanceTable table;

    @BeforeEach
    void open() {
        store = new LanceStore(dir);
        table = store.open("events", 4, "m");
        for (int i = 0; i < 4; i++) {
            table.commit(List.of(new Row("r" + i, "text " + i, new float[] {1, 2, 3, i}, "m", "events.t", i + 1, 1L)));
        }
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Exception rawScan(String filter) {
        try (Dataset dataset = Dataset.open(dir.resolve("events.lance").toString())) {
            return assertThrows(Exception.class, () -> {
                try (var scanner = dataset.newScan(new org.lance.ipc.ScanOptions.Builder().filter(filter).build());
                     var reader = scanner.scanBatches()) {
                    reader.loadNextBatch();
                }
            });
        }
    }

    @Test
    void aFilterThatDoesNotParseIsAnInvalidRequest() {
        Exception raw = rawScan("id = = 1");
        assertTrue(raw.getMessage().contains("Invalid user input: Error parsing statement"), raw.getMessage());
        assertEquals(LanceFailure.INVALID_REQUEST, LanceFailure.of(raw));
    }

    @Test
    void anUnknownColumnIsAnInvalidRequest() {
        Exception raw = rawScan("nope = 1");
        assertTrue(raw.getMessage().contains("Invalid user input: Schema error: No field named nope"), raw.getMessage());
        assertEquals(LanceFailure.INVALID_REQUEST, LanceFailure.of(raw));
        // and the table answers it as one, naming the filter
        IllegalArgumentException answered = assertThrows(IllegalArgumentException.class, () -> table.scan(
                ScanRequest.rows("nope = 1", List.of("id")), (r, v) -> null));
        assertTrue(answered.getMessage().startsWith("invalid filter 'nope = 1'"), answered.getMessage());
    }

    @Test
    void aCommitThatLostTheRaceIsAConflict() {
        String path = dir.resolve("events.lance").toString();
        try (Dataset first = Dataset.open(path); Dataset second = Dataset.open(path)) {
            first.compact(CompactionOptions.builder().build());
            RuntimeException lost = assertThrows(RuntimeException.class, () -> second.compact(CompactionOptions.builder().build()));
            assertTrue(lost.getMessage().contains("Retryable commit conflict"), lost.getMessage());
            assertEquals(LanceFailure.COMMIT_CONFLICT, LanceFailure.of(lost));
        }
    }

    @Test
    void otherFailuresAreNeither() {
        assertEquals(LanceFailure.OTHER, LanceFailure.of(new RuntimeException("LanceError(IO): No space left on device")));
        assertEquals(LanceFailure.OTHER, LanceFailure.of(new java.io.IOException("read failed")));
        assertEquals(LanceFailure.INVALID_REQUEST, LanceFailure.of(new RuntimeException("wrapped", new IllegalArgumentException("x"))));
    }
}
