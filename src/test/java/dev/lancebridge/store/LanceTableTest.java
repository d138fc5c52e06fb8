package dev.lancebridge.store;

import dev.lancebridge.support.TableReads;
import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upsert, replay, out-of-order, delete and search against a real Lance dataset. */
class LanceTableTest {

    private static final int DIM = 4;

    @TempDir
    Path dir;
    private LanceStore store;
    private LanceTable table;

    @BeforeEach
    void open() {
        store = new LanceStore(dir);
        table = store.open("events", DIM, "test-model");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Row row(String id, String text, long seq) {
        float[] vector = {seq % 7, 1, id.hashCode() % 5, 0.5f};
        return new Row(id, text, vector, "test-model", "events.t", seq, 1_700_000_000_000L + seq);
    }

    private Map<String, Object> only(String id) {
        List<Map<String, Object>> hits = TableReads.nearest(table, new float[] {1, 1, 1, 1}, 10, "id = '" + id.replace("'", "''") + "'",
                table.scalarColumns());
        assertEquals(1, hits.size(), "rows with id " + id);
        return hits.get(0);
    }

    @Test
    void createsARealLanceTableWithEmbeddingMetadata() {
        assertTrue(dir.resolve("events.lance").toFile().isDirectory());
        assertEquals(0, table.countRows(null));
        try (org.lance.Dataset dataset = org.lance.Dataset.open(dir.resolve("events.lance").toString())) {
            String functions = dataset.getSchema().getCustomMetadata().get("embedding_functions");
            assertTrue(functions.contains("\"source_column\":\"text\""), functions);
            assertTrue(functions.contains("\"name\":\"test-model\""), functions);
        }
    }

    @Test
    void insertsThenNewerVersionReplaces() {
        CommitStats first = table.commit(List.of(row("a", "one", 1), row("b", "two", 2)));
        assertEquals(2, first.inserted());
        CommitStats second = table.commit(List.of(row("a", "one v2", 3)));
        assertEquals(1, second.updated());
        assertEquals(2, table.countRows(null));
        assertEquals("one v2", only("a").get("text"));
        assertEquals(3L, only("a").get("stream_seq"));
        assertTrue(second.version() > first.version());
    }

    @Test
    void replayingABatchChangesNothing() {
        List<Normalized> batch = List.of(row("a", "one", 1), row("b", "two", 2));
        table.commit(batch);
        CommitStats replay = table.commit(batch);
        assertEquals(0, replay.inserted());
        assertEquals(0, replay.updated());
        assertEquals(2, replay.skipped());
        assertEquals(2, table.countRows(null));
        assertEquals("one", only("a").get("text"));
        assertEquals(1L, only("a").get("stream_seq"));
    }

    @Test
    void olderVersionNeverOverwritesNewer() {
        table.commit(List.of(row("a", "new", 10)));
        CommitStats late = table.commit(List.of(row("a", "old", 5)));
        assertEquals(1, late.skipped());
        assertEquals("new", only("a").get("text"));
    }

    @Test
    void withinABatchTheHighestSequenceWins() {
        CommitStats stats = table.commit(List.of(row("a", "v3", 3), row("a", "v1", 1), row("a", "v2", 2)));
        assertEquals(1, stats.inserted());
        assertEquals(2, stats.skipped());
        assertEquals(1, table.countRows(null));
        assertEquals("v3", only("a").get("text"));
    }

    @Test
    void deleteRemovesAndOlderReplayCannotResurrect() {
        table.commit(List.of(row("a", "one", 1), row("b", "two", 2)));
        table.commit(List.of(new Deletion("a", 3)));
        assertEquals(1, table.countRows(null));
        CommitStats replay = table.commit(List.of(row("a", "one", 1)));
        assertEquals(1, replay.skipped());
        assertEquals(0, table.countRows("id = 'a'"));
    }

    @Test
    void deleteOfAnOlderSequenceKeepsTheNewerRow() {
        table.commit(List.of(row("a", "new", 10)));
        table.commit(List.of(new Deletion("a", 5)));
        assertEquals("new", only("a").get("text"));
    }

    @Test
    void newerEventAfterADeleteRecreatesTheRow() {
        table.commit(List.of(row("a", "one", 1)));
        table.commit(List.of(new Deletion("a", 2)));
        table.commit(List.of(row("a", "reborn", 3)));
        assertEquals("reborn", only("a").get("text"));
    }

    @Test
    void deleteAndInsertInOneBatchFollowSequenceOrder() {
        table.commit(List.of(row("a", "one", 1), new Deletion("a", 2), row("b", "two", 3), new Deletion("c", 4)));
        assertEquals(0, table.countRows("id = 'a'"));
        assertEquals(1, table.countRows(null));
    }

    @Test
    void tombstonesSurviveReopening() {
        table.commit(List.of(row("a", "one", 1)));
        table.commit(List.of(new Deletion("a", 2)));
        store.close();
        store = new LanceStore(dir);
        table = store.open("events", DIM, "test-model");
        table.commit(List.of(row("a", "one", 1)));
        assertEquals(0, table.countRows(null));
    }

    @Test
    void tombstonesAreLetGoOnceTheAckFloorPassesThemInMemoryAtOnceOnDiskAtMaintenance() {
        table.commit(List.of(row("kept", "still in flight", 1)));
        // deletes of ids the table never held, as a stream of deletes for another system's rows brings them
        long seq = 10;
        for (int batch = 0; batch < 20; batch++) {
            List<Deletion> deletions = new java.util.ArrayList<>();
            for (int i = 0; i < 500; i++) {
                deletions.add(new Deletion("never-" + seq, seq++));
            }
            table.commit(deletions);
            table.ackedThrough(seq - 1);
            assertEquals(0, table.tombstoneCounts()[0], "nothing older can come back: memory holds none");
        }
        table.commit(List.of(new Deletion("kept", 20_000)));
        table.ackedThrough(19_999); // the delete of 'kept' is not acked yet: its tombstone guards a redelivered older insert
        table.commit(List.of(row("kept", "redelivered, older than its delete", 5)));
        assertEquals(0, table.countRows("id = 'kept'"));
        assertEquals(1, table.tombstoneCounts()[0]);
        assertEquals(10_001, table.tombstoneCounts()[1], "on disk until the next maintenance pass");

        table.maintain(java.time.Duration.ofHours(1));
        assertEquals(1, table.tombstoneCounts()[1], "only the one the ack floor has not passed");
        store.close();
        store = new LanceStore(dir);
        table = store.open("events", DIM, "test-model");
        table.commit(List.of(row("kept", "redelivered again", 6)));
        assertEquals(0, table.countRows("id = 'kept'"), "the kept tombstone survives reopening");
    }

    /**
     * JetStream redelivers a message whose ack-wait ran out while the first copy is still in the
     * bridge; the first copy commits and is acked, the ack floor passes the delete after it and
     * the delete's tombstone is let go. The late second copy must not bring the deleted row back.
     */
    @Test
    void aLateCopyOfAnAckedInsertDoesNotResurrectItsDeletedRow() {
        table.commit(List.of(row("gone", "first copy", 6)));
        table.commit(List.of(new Deletion("gone", 1300)));
        table.ackedThrough(1368);
        assertEquals(0, table.tombstoneCounts()[0], "the tombstone is let go");

        CommitStats late = table.commit(List.of(row("gone", "second copy, delivered before the ack", 6)));
        assertEquals(0, table.countRows("id = 'gone'"));
        assertEquals(1, late.skipped(), "counted as a duplicate");
    }

    /** A replaced consumer (deleted and created again) starts its ack floor over and replays in stream order. */
    @Test
    void aReplacedConsumerReplaysEverything() {
        table.commit(List.of(row("a", "one", 1), row("b", "two", 2)));
        table.ackedThrough(2);
        table.commit(List.of(new Deletion("a", 3)));
        table.ackedThrough(0); // the new consumer has acked nothing
        table.commit(List.of(row("a", "one", 1), row("b", "two, replayed", 2)));
        table.commit(List.of(new Deletion("a", 3)));
        assertEquals(0, table.countRows("id = 'a'"));
        assertEquals(1, table.countRows("id = 'b'"));
    }

    private void awaitKnownIds() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(table::knownIdsLoaded);
    }

    private List<String> storedIds() {
        return TableReads.nearest(table, new float[] {1, 1, 1, 1}, 1000, null, table.scalarColumns()).stream()
                .map(hit -> (String) hit.get("id")).toList();
    }

    /** New ids are appended (no join); a redelivery, a newer and an older version of a known id still take the guarded merge. */
    @Test
    void rowsWithNewIdsAreAppendedAndKnownIdsStillMerged() {
        awaitKnownIds();
        CommitStats first = table.commit(List.of(row("a", "one", 1), row("b", "two", 2), row("c", "three", 3)));
        assertEquals(3, first.inserted());
        CommitStats redelivered = table.commit(List.of(row("a", "one", 1), row("b", "two", 2), row("d", "four", 4)));
        assertEquals(1, redelivered.inserted(), "only d is new");
        assertEquals(2, redelivered.skipped(), "a and b are stored already");
        CommitStats newer = table.commit(List.of(row("a", "one, edited", 10)));
        assertEquals(1, newer.updated());
        table.commit(List.of(row("a", "one, an older replay", 5)));
        assertEquals("one, edited", only("a").get("text"));
        assertEquals(List.of("a", "b", "c", "d"), storedIds().stream().sorted().toList());
    }

    /** Killed after the commit and before the ack: the restarted bridge knows the committed ids and merges their redelivery. */
    @Test
    void aRedeliveryAfterARestartIsNotAppendedTwice() {
        awaitKnownIds();
        List<Normalized> batch = new ArrayList<>();
        IntStream.range(0, 300).forEach(i -> batch.add(row("id-" + i, "text " + i, i + 1)));
        table.commit(batch);
        store.close();
        store = new LanceStore(dir);
        table = store.open("events", DIM, "test-model");
        awaitKnownIds();
        CommitStats again = table.commit(batch);
        assertEquals(0, again.inserted());
        assertEquals(300, table.countRows(null));
        assertEquals(300, new java.util.HashSet<>(storedIds()).size());
    }

    /** Deleted ids stay known: their re-insert after a replayed delete takes the merge, and the table ends with one row each. */
    @Test
    void deleteThenReplayEndsWithOneRowPerId() {
        awaitKnownIds();
        table.commit(List.of(row("a", "one", 1), row("b", "two", 2)));
        table.commit(List.of(new Deletion("a", 3)));
        table.commit(List.of(row("a", "back after its delete", 4)));
        table.ackedThrough(4);
        table.commit(List.of(row("a", "back after its delete", 4), row("b", "two", 2), new Deletion("a", 3)));
        assertEquals("back after its delete", only("a").get("text"));
        assertEquals(2, table.countRows(null));
    }

    @Test
    void idsWithQuotesAreSafe() {
        table.commit(List.of(row("it's", "quoted", 1), row("x') OR ('1'='1", "injection", 2)));
        table.commit(List.of(new Deletion("x') OR ('1'='1", 3)));
        assertEquals(1, table.countRows(null));
        assertEquals("quoted", only("it's").get("text"));
    }

    @Test
    void nearestReturnsCosineOrderWithFilterAppliedFirst() {
        List<Normalized> rows = new ArrayList<>();
        IntStream.range(0, 50).forEach(i -> rows.add(new Row("r" + i, "text " + i,
                new float[] {1, i, 0, 0}, "test-model", i % 2 == 0 ? "events.even" : "events.odd", i + 1, 0)));
        table.commit(rows);
        List<Map<String, Object>> hits = TableReads.nearest(table, new float[] {1, 0, 0, 0}, 3, null, table.scalarColumns());
        assertEquals(List.of("r0", "r1", "r2"), hits.stream().map(h -> h.get("id")).toList());
        assertEquals(0f, (Float) hits.get(0).get("_distance"), 1e-6);
        List<Map<String, Object>> odd = TableReads.nearest(table, new float[] {1, 0, 0, 0}, 3, "subject = 'events.odd'",
                table.scalarColumns());
        assertEquals(List.of("r1", "r3", "r5"), odd.stream().map(h -> h.get("id")).toList());
    }

    @Test
    void badFilterIsAnIllegalArgument() {
        table.commit(List.of(row("a", "one", 1)));
        assertThrows(IllegalArgumentException.class,
                () -> TableReads.nearest(table, new float[] {1, 0, 0, 0}, 3, "no_such_column = 1", table.scalarColumns()));
    }

    @Test
    void maintenanceCompactsAndCleansUpWithoutChangingWhatIsStored() {
        for (int i = 0; i < 30; i++) {
            table.commit(List.of(row("m-" + i, "text " + i, i + 1)));
        }
        table.commit(List.of(new Deletion("m-3", 100), row("m-4", "updated", 101)));
        long tagged = table.stats().version();
        table.tag("keep-me", tagged);
        table.commit(List.of(row("m-5", "after the tag", 102)));
        MaintenanceStats stats = table.maintain(java.time.Duration.ZERO);
        assertTrue(stats.fragmentsBefore() > 20, "one small fragment per commit before: " + stats.fragmentsBefore());
        assertEquals(1, stats.fragmentsAfter());
        assertTrue(stats.versionsRemoved() > 0, "old versions removed");
        assertEquals(29, table.countRows(null));
        assertEquals("updated", only("m-4").get("text"));
        assertEquals(0, table.countRows("id = 'm-3'"));
        // the tagged version survives cleanup and still answers
        List<Map<String, Object>> old = TableReads.rows(table, ScanRequest.rows("id = 'm-5'", table.scalarColumns()).paged(100, 0).atVersion(tagged));
        assertEquals("text 5", old.get(0).get("text"));
        // writes go on after maintenance, replays stay harmless
        table.commit(List.of(row("m-30", "new", 200), row("m-4", "stale", 50)));
        assertEquals(30, table.countRows(null));
        assertEquals("updated", only("m-4").get("text"));
    }

    @Test
    void aCompactionCommittedBesideTheWriterNeitherLosesNorDoublesItsNextCommit() {
        for (int i = 0; i < 10; i++) {
            table.commit(List.of(row("k-" + i, "text " + i, i + 1), row("n-" + i, "other " + i, 100 + i)));
        }
        // a maintenance pass compacts on a handle of its own, outside the writer's lock: the writer's handle is now stale
        try (org.lance.Dataset own = org.lance.Dataset.open(dir.resolve("events.lance").toString())) {
            own.compact();
        }
        // updates and deletes of rows the compaction rewrote, and new rows, committed from the stale handle
        CommitStats after = table.commit(List.of(row("k-1", "updated", 500), new Deletion("k-2", 501), row("fresh", "new", 502),
                row("k-3", "stale", 1)));
        assertTrue(after.version() > 0);
        assertEquals(20, table.countRows(null), "19 of the 20 rows, plus fresh");
        assertEquals("updated", only("k-1").get("text"));
        assertEquals(0, table.countRows("id = 'k-2'"));
        assertEquals("text 3", only("k-3").get("text"), "an older change still loses");
        assertEquals(1, table.countRows("id = 'fresh'"));
        // and the writer goes on from the newest version
        table.commit(List.of(row("k-4", "again", 600)));
        assertEquals("again", only("k-4").get("text"));
        assertEquals(20, table.countRows(null));
    }

    @Test
    void rowWithoutVectorIsRefusedAndNothingIsWritten() {
        Row missing = new Row("a", "t", null, null, "s", 1, 0);
        assertThrows(StoreException.class, () -> table.commit(List.of(missing)));
        assertEquals(0, table.countRows(null));
    }

    @Test
    void aFullCacheIsReportedSoThatOperatorsCanSizeIt() {
        try (LanceStore tiny = new LanceStore(StoreLocation.local(dir.resolve("tiny")), 1, 1, IndexPolicy.DEFAULT);
             LanceStore roomy = new LanceStore(StoreLocation.local(dir.resolve("roomy")), 1L << 30, 64L << 20, IndexPolicy.DEFAULT)) {
            for (LanceStore each : List.of(tiny, roomy)) {
                LanceTable t = each.open("events", DIM, "test-model");
                t.commit(List.of(row("a", "some text", 1), row("b", "other text", 2)));
                TableReads.nearest(t, new float[] {1, 1, 1, 1}, 2, null, t.scalarColumns());
            }
            assertEquals(2, tiny.cacheLimitBytes());
            assertTrue(tiny.cacheFull(), "a 2-byte cache is full after one search: " + tiny.cacheBytes());
            assertTrue(roomy.cacheBytes() > 0 && !roomy.cacheFull(), "roomy holds " + roomy.cacheBytes());
        }
    }

    @Test
    void theWriterCompactsItsOwnSmallFragmentsWithoutWaitingForMaintenance() {
        int commits = 2 * TableWriter.COMPACT_AFTER_COMMITS + 10;
        long before = table.stats().version();
        for (int i = 0; i < commits; i++) {
            table.commit(List.of(row("c" + i, "text " + i, i + 1)));
        }
        table.commit(List.of(row("c0", "text 0, updated", commits + 1)));
        // compacted beside the writer: the commits did not wait for it
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> table.stats().fragments() <= TableWriter.COMPACT_AFTER_COMMITS);
        TableStats stats = table.stats();
        assertTrue(stats.fragments() <= TableWriter.COMPACT_AFTER_COMMITS, "a fragment per commit would be " + commits
                + "; the writer compacted them down to " + stats.fragments());
        assertTrue(stats.version() > before + commits + 1, "the compactions committed versions of their own: " + stats.version());
        assertEquals(commits, table.countRows(null));
        assertEquals("text 0, updated", only("c0").get("text"));
        assertEquals("text " + (commits - 1), only("c" + (commits - 1)).get("text"));
        assertNull(table.stats().lastMaintenance(), "no maintenance pass ran");
    }
}
