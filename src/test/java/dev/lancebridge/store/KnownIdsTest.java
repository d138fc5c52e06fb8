package dev.lancebridge.store;

import dev.lancebridge.normalize.Row;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.Dataset;
import org.lance.WriteParams;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ids read from a real table's Arrow column and the ids a batch names are fingerprinted alike; nothing is ever missed. */
class KnownIdsTest {

    @TempDir
    Path dir;

    @Test
    void everyIdOfTheTableIsKnownAfterLoadingAndFewOthersAre() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String id = i % 3 == 0 ? "ü-ß-" + i : i % 3 == 1 ? "日本-" + i : "plain-" + i;
            rows.add(new Row(id, "t", new float[] {1, 0, 0, 0}, "m", "s", i + 1, 0));
        }
        TableLayout layout = TableLayout.plain(4, "m");
        KnownIds known = new KnownIds();
        assertTrue(known.mayHold("anything"), "before loading, every id may exist");
        assertTrue(known.admit(List.of("added-while-loading"))[0], "before loading, admitted ids count as maybe held");
        try (BufferAllocator allocator = new RootAllocator()) {
            try (SingleBatchReader reader = new SingleBatchReader(allocator, RowBatch.of(rows, layout.schema(), layout, allocator));
                 Dataset ignored = Dataset.write().allocator(allocator).reader(reader).uri(dir.resolve("t.lance").toString())
                         .mode(WriteParams.WriteMode.CREATE).execute()) {
                // written
            }
            known.load("t", Dataset.open(dir.resolve("t.lance").toString(), allocator));
        }
        assertTrue(known.loaded());
        assertEquals(20_001, known.size());
        rows.forEach(row -> assertTrue(known.mayHold(row.id()), row.id()));
        assertTrue(known.mayHold("added-while-loading"));
        boolean[] admitted = known.admit(List.of("plain-2", "new-one", "new-one"));
        assertTrue(admitted[0], "a loaded id");
        assertFalse(admitted[1], "an id the table cannot hold: appended");
        assertTrue(admitted[2], "the same id twice in one call: the second takes the merge");
        long strangers = java.util.stream.IntStream.range(0, 20_000).filter(i -> known.mayHold("other-" + i)).count();
        assertEquals(0, strangers, "64-bit fingerprints: a collision among 20k ids is a one-in-10^10 event");
    }

    @Test
    void aFailedLoadLeavesEveryIdPossible() {
        KnownIds known = new KnownIds();
        var noIds = new org.apache.arrow.vector.types.pojo.Schema(List.of(org.apache.arrow.vector.types.pojo.Field.nullable("other",
                new org.apache.arrow.vector.types.pojo.ArrowType.Int(32, true))));
        try (BufferAllocator allocator = new RootAllocator()) {
            Dataset.create(allocator, dir.resolve("odd.lance").toString(), noIds, new WriteParams.Builder().build()).close();
            known.load("odd", Dataset.open(dir.resolve("odd.lance").toString(), allocator));
        }
        assertFalse(known.loaded());
        assertTrue(known.mayHold("x"), "every row takes the guarded merge");
    }
}
