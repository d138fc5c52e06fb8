package dev.lancebridge.store;

import dev.lancebridge.normalize.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A search replica's table: opened without creating anything, following the writer's commits, refusing every change. */
class ReadOnlyTableTest {

    private static final int DIM = 4;

    @TempDir
    Path dir;

    private static Row row(String id, long seq) {
        return new Row(id, "text " + id, new float[] {seq % 7, 1, 0.5f, 0.25f}, "test-model", "events.t", seq, 1_700_000_000_000L + seq);
    }

    @Test
    void followsTheWriterAndNeverWrites() throws Exception {
        try (LanceStore writerStore = new LanceStore(dir); LanceStore replicaStore = new LanceStore(dir)) {
            TableLayout layout = TableLayout.plain(DIM, "test-model");
            assertEquals(Optional.empty(), replicaStore.openReadOnly("events", layout), "nothing to follow before the writer made it");
            assertFalse(dir.resolve("events.lance").toFile().exists(), "a replica creates nothing");
            assertFalse(dir.resolve("_bridge").toFile().exists(), "a replica creates nothing");

            LanceTable writer = writerStore.open("events", layout);
            List<Long> announced = new ArrayList<>();
            writer.onCommitted(announced::add);
            CommitStats first = writer.commit(List.of(row("a", 1), row("b", 2)));
            LanceTable replica = replicaStore.openReadOnly("events", layout).orElseThrow();
            assertTrue(replica.readOnly());
            assertEquals(2, replica.countRows(null));
            assertEquals(Optional.empty(), replica.follow(), "nothing newer yet");

            Instant before = Instant.now().minusSeconds(1);
            CommitStats third = writer.commit(List.of(row("c", 3)));
            assertEquals(List.of(first.version(), third.version()), announced, "every commit is announced with its version");
            assertEquals(2, replica.countRows(null), "the replica serves its version until it follows");
            Instant committedAt = replica.follow().orElseThrow();
            assertTrue(!committedAt.isBefore(before) && !committedAt.isAfter(Instant.now()), committedAt.toString());
            assertEquals(third.version(), replica.snapshot().version());
            assertEquals(3, replica.countRows(null));

            // maintenance on the writer (compaction commits a version of its own) is followed too, and announced
            writer.maintain(Duration.ZERO);
            assertTrue(announced.size() > 1);
            assertTrue(replica.follow().isPresent());
            assertEquals(writer.snapshot().version(), replica.snapshot().version());
            assertEquals(3, replica.countRows(null));

            assertThrows(ReadOnlyTableException.class, () -> replica.commit(List.of(row("d", 4))));
            assertThrows(ReadOnlyTableException.class, () -> replica.maintain(Duration.ZERO));
            assertThrows(ReadOnlyTableException.class, () -> replica.tag("t", null));
            assertThrows(ReadOnlyTableException.class, () -> replica.untag("t"));
            assertThrows(ReadOnlyTableException.class, () -> replica.ackedThrough(3));
            assertEquals(3, writer.countRows(null));
        }
    }

    @Test
    void followsAReembedWithTheNewModelAndDimension() {
        try (LanceStore writerStore = new LanceStore(dir); LanceStore replicaStore = new LanceStore(dir)) {
            LanceTable writer = writerStore.open("events", TableLayout.plain(DIM, "test-model"));
            writer.commit(List.of(row("a", 1)));
            LanceTable replica = replicaStore.openReadOnly("events", TableLayout.plain(DIM, "test-model")).orElseThrow();
            TableLayout next = TableLayout.plain(2, "other-model");
            writer.reembed(next, texts -> texts.stream().map(text -> new float[] {1, 0}).toList(), done -> { });
            replica.follow().orElseThrow();
            assertEquals(new LanceTable.Snapshot(writer.snapshot().version(), "other-model", 2), replica.snapshot());
        }
    }
}
