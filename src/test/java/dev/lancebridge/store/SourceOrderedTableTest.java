package dev.lancebridge.store;

import dev.lancebridge.config.ColumnDeclaration;
import dev.lancebridge.config.ColumnType;
import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.embed.Embedder;
import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Ignored;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.normalize.Truncation;
import dev.lancebridge.normalize.Unavailable;
import dev.lancebridge.support.TableReads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Debezium table against a real Lance dataset: the source position, not the stream sequence,
 * decides which change of a row wins, so a change Debezium re-sends after a restart (later in the
 * stream, older at the source) changes nothing, resurrects nothing, and survives no truncate.
 */
class SourceOrderedTableTest {

    private static final int DIM = 4;
    private static final List<ColumnDeclaration> COLUMNS = List.of(
            new ColumnDeclaration("body", ColumnType.STRING, com.fasterxml.jackson.core.JsonPointer.compile("/body"), true));

    @TempDir
    Path dir;
    private LanceStore store;
    private LanceTable table;

    @BeforeEach
    void open() {
        openWith(Duration.ofHours(24));
    }

    private void openWith(Duration retention) {
        store = new LanceStore(dir);
        table = store.open("docs", new TableLayout(COLUMNS, DIM, "test-model", null, Ordering.source(retention)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A change of row {@code id} at source {@code position}, the {@code seq}th event of the stream. */
    private static Row row(String id, String text, long seq, long position) {
        return new Row(id, text, Row.hash(text), new float[] {1, 2, 3, seq}, "test-model", "pg.public.docs", seq, 0L,
                new Object[] {text}, position, null);
    }

    private String text(String id) {
        List<Map<String, Object>> rows = TableReads.nearest(table, new float[] {1, 1, 1, 1}, 10, "id = '" + id + "'", table.scalarColumns());
        assertEquals(1, rows.size(), "rows with id " + id);
        return (String) rows.get(0).get("text");
    }

    @Test
    void anOlderChangeResentLaterInTheStreamChangesNothing() {
        table.commit(List.of(row("1", "v1", 1, 100), row("1", "v2", 2, 200)));
        assertEquals("v2", text("1"));
        table.ackedThrough(2);
        CommitStats resent = table.commit(List.of(row("1", "v1", 3, 100)));
        assertEquals(1, resent.skipped());
        assertEquals("v2", text("1"));
        table.commit(List.of(row("1", "v3", 4, 300)));
        assertEquals("v3", text("1"));
    }

    @Test
    void withinABatchTheSourcePositionWinsOverTheStreamOrder() {
        table.commit(List.of(row("1", "newer", 1, 500), row("1", "older, re-sent", 2, 400)));
        assertEquals("newer", text("1"));
    }

    @Test
    void aDeleteIsNotUndoneByAResentCreateEvenOnceAcked() {
        table.commit(List.of(row("1", "v1", 1, 100), row("2", "other", 2, 110)));
        table.commit(List.of(new Deletion("1", 3, 150)));
        table.ackedThrough(3); // a stream-ordered table would let the tombstone go here
        table.maintain(Duration.ofDays(7));
        table.commit(List.of(row("1", "v1", 4, 100)));
        assertEquals(0, table.countRows("id = '1'"));
        table.commit(List.of(row("1", "recreated", 5, 160)));
        assertEquals("recreated", text("1"));
        // tombstones survive a reopen too
        table.commit(List.of(new Deletion("1", 6, 170)));
        store.close();
        openWith(Duration.ofHours(24));
        table.commit(List.of(row("1", "recreated", 7, 160)));
        assertEquals(0, table.countRows("id = '1'"));
    }

    @Test
    void aDeleteOfAnOlderPositionKeepsTheNewerRow() {
        table.commit(List.of(row("1", "new", 1, 300)));
        table.commit(List.of(new Deletion("1", 2, 200)));
        assertEquals("new", text("1"));
    }

    @Test
    void aTruncateEmptiesTheTableInOneCommitAndBuriesWhatItCovers() {
        table.commit(List.of(row("1", "a", 1, 100), row("2", "b", 2, 110)));
        long before = table.snapshot().version();
        CommitStats truncated = table.commit(List.of(new Truncation(3, 200)));
        assertEquals(1, truncated.deleted());
        assertEquals(0, table.countRows(null));
        assertEquals(before + 1, table.snapshot().version(), "one commit");
        table.ackedThrough(3);
        table.commit(List.of(row("1", "a", 4, 100), row("3", "after", 5, 250)));
        assertEquals(0, table.countRows("id = '1'"));
        assertEquals("after", text("3"));
        store.close();
        openWith(Duration.ofHours(24));
        table.commit(List.of(row("2", "b", 6, 110)));
        assertEquals(0, table.countRows("id = '2'"));
        assertEquals(1, table.countRows(null));
    }

    @Test
    void aTruncateInTheMiddleOfABatchKeepsWhatCameAfterIt() {
        table.commit(List.of(row("1", "a", 1, 100), new Truncation(2, 200), row("2", "b", 3, 300), new Ignored(4)));
        assertEquals(0, table.countRows("id = '1'"));
        assertEquals("b", text("2"));
    }

    @Test
    void tombstonesAreLetGoAfterTheirRetention() throws InterruptedException {
        store.close();
        openWith(Duration.ofMillis(50));
        table.commit(List.of(row("1", "v1", 1, 100)));
        table.commit(List.of(new Deletion("1", 2, 150), new Truncation(3, 120)));
        assertEquals(1, table.tombstoneCounts()[0], "the delete's, in memory");
        assertEquals(2, table.tombstoneCounts()[1], "the delete's and the truncate's, stored");
        Thread.sleep(100);
        table.maintain(Duration.ofDays(7));
        assertEquals(0, table.tombstoneCounts()[0], "the delete's tombstone is let go");
        assertEquals(1, table.tombstoneCounts()[1], "the truncate's is kept");
        table.commit(List.of(row("1", "back", 4, 130)));
        assertEquals("back", text("1"), "past the truncate, and its tombstone is gone");
    }

    @Test
    void aRowWhoseKeyChangedKeepsTheValuesItsOldKeyStored() {
        EmbedStage stage = new EmbedStage(countingEmbedder(), table::storedVectors);
        table.commit(stage.embed(List.of(new Row("2", "a long body", Row.hash("a long body"), null, null, "s", 1, 0L,
                new Object[] {"a long body"}, 100, null))).changes());
        table.commit(List.of(new Deletion("2", 2, 200, true)));
        assertEquals(0, table.countRows(null));
        Row created = new Row("3", "", Row.hash(""), null, null, "s", 3, 0L, new Object[] {null}, 200,
                new Unavailable(new int[] {0}, new String[] {null}, new int[] {0}, "2"));
        EmbedStage.Embedded embedded = stage.embed(List.of(created));
        assertEquals(1, embedded.reused(), "the old key's vector, for the same text");
        table.commit(embedded.changes());
        assertEquals("a long body", text("3"));
        assertEquals(1, table.countRows("body = 'a long body'"));
    }

    private static Embedder countingEmbedder() {
        return new Embedder() {
            int calls;

            @Override
            public List<float[]> embed(List<String> texts) {
                calls += texts.size();
                return texts.stream().map(text -> new float[] {9, 9, 9, calls}).toList();
            }

            @Override
            public String model() {
                return "test-model";
            }

            @Override
            public int dimension() {
                return DIM;
            }

            @Override
            public java.util.Optional<dev.lancebridge.embed.LanceDbFunction> lancedbFunction() {
                return java.util.Optional.empty();
            }
        };
    }

    @Test
    void aRowTheSourceLeftPartlyOutKeepsTheStoredValuesAndVector() {
        EmbedStage stage = new EmbedStage(countingEmbedder(), table::storedVectors);
        List<Normalized> first = stage.embed(List.of(new Row("1", "a long body", Row.hash("a long body"), null, null, "s", 1, 0L,
                new Object[] {"a long body"}, 100, null))).changes();
        table.commit(first);
        // the body column and the text ({body}) were left out: both are the stored ones, and the vector is reused
        Row partial = new Row("1", "", Row.hash(""), null, null, "s", 2, 0L, new Object[] {null}, 200,
                new Unavailable(new int[] {0}, new String[] {null}, new int[] {0}, null));
        EmbedStage.Embedded second = stage.embed(List.of(partial));
        assertEquals(1, second.reused());
        assertEquals(0, second.computed());
        Row complete = (Row) second.changes().get(0);
        assertEquals("a long body", complete.text());
        assertEquals("a long body", complete.values()[0]);
        table.commit(second.changes());
        assertEquals("a long body", text("1"));
        assertTrue(table.countRows("body = 'a long body' AND source_position = 200") == 1);
    }
}
