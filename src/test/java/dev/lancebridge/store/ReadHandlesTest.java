package dev.lancebridge.store;

import dev.lancebridge.normalize.Row;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.Dataset;
import org.lance.Session;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared read handle: one per committed version, kept open while a reader holds it. */
class ReadHandlesTest {

    @TempDir
    Path dir;

    private static Row row(String id, long seq) {
        return new Row(id, "text " + id, new float[] {1, 2, 3, seq}, "m", "events.t", seq, 1L);
    }

    @Test
    void readersShareTheLatestVersionUntilANewerOneIsCommitted() {
        try (LanceStore store = new LanceStore(dir); RootAllocator allocator = new RootAllocator()) {
            LanceTable table = store.open("events", 4, "m");
            long first = table.commit(List.of(row("a", 1))).version();
            ReadHandles handles = new ReadHandles("events", dir.resolve("events.lance").toString(), StoreLocation.local(dir),
                    allocator, Session.create(1 << 20, 1 << 20));

            ReadHandles.Shared one = handles.acquire(first);
            ReadHandles.Shared two = handles.acquire(first);
            assertSame(one.dataset, two.dataset, "one handle for concurrent reads of a version");

            long second = table.commit(List.of(row("b", 2))).version();
            ReadHandles.Shared newer = handles.acquire(second);
            assertNotSame(one.dataset, newer.dataset);
            assertEquals(2, newer.dataset.countRows());
            // the older handle stays readable for the reads that hold it, and closes with the last of them
            assertEquals(1, one.dataset.countRows());
            one.release();
            assertFalse(two.dataset.closed());
            two.release();
            assertTrue(two.dataset.closed());

            handles.close();
            assertFalse(newer.dataset.closed(), "still held by a reader");
            newer.release();
            assertTrue(newer.dataset.closed());
        }
    }

    @Test
    void anOlderVersionOpensForItsOwnReadAndAMissingOneIsTheCallersError() {
        try (LanceStore store = new LanceStore(dir); RootAllocator allocator = new RootAllocator()) {
            LanceTable table = store.open("events", 4, "m");
            long first = table.commit(List.of(row("a", 1))).version();
            table.commit(List.of(row("b", 2)));
            ReadHandles handles = new ReadHandles("events", dir.resolve("events.lance").toString(), StoreLocation.local(dir),
                    allocator, Session.create(1 << 20, 1 << 20));
            try (Dataset old = handles.openVersion(first)) {
                assertEquals(1, old.countRows());
            }
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> handles.openVersion(999));
            assertEquals("table 'events' has no version 999", missing.getMessage());
        }
    }
}
