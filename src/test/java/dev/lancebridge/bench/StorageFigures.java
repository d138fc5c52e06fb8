package dev.lancebridge.bench;

import dev.lancebridge.embed.InProcessEmbedder;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.TableStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Storage after an hour of a quiet stream, compressed: 100 events/s reach the writer as commits of
 * 10 (a batch per {@code batch-wait} of 100 ms), so an hour is 36,000 commits; they are issued as
 * fast as the store takes them, on the store's own code path. The maintained table gets a pass
 * every 600 commits (the default 60 s interval at 10 commits/s) with the default 1 h retention:
 * within the hour no version is old enough to go, as in real time. A last pass with no retention
 * shows what cleanup frees. The other table takes the same commits with no maintenance pass at
 * all: only the writer's own compaction ({@code TableWriter.COMPACT_AFTER_COMMITS}).
 */
final class StorageFigures {

    private static final int ROWS_PER_COMMIT = 10;
    private static final int COMMITS_PER_HOUR = 36_000;
    private static final int COMMITS_PER_PASS = 600;
    private static final Duration RETENTION = Duration.ofHours(1);

    private final Bench bench;

    StorageFigures(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        int commits = bench.quick ? COMMITS_PER_HOUR / 6 : COMMITS_PER_HOUR;
        String span = bench.quick ? "10 min" : "1 h";
        try (LanceStore lance = new LanceStore(bench.work.resolve("store-streaming"))) {
            LanceTable maintained = lance.open("maintained", 384, InProcessEmbedder.MODEL);
            List<Double> commitMs = new ArrayList<>(commits);
            List<Double> passMs = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < commits; c++) {
                commitMs.add(commit(maintained, c));
                if ((c + 1) % COMMITS_PER_PASS == 0) {
                    passMs.add((double) maintained.maintain(RETENTION).durationMs());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            TableStats kept = maintained.stats();
            maintained.maintain(Duration.ZERO);
            TableStats cleaned = maintained.stats();

            LanceTable unmaintained = lance.open("unmaintained", 384, InProcessEmbedder.MODEL);
            List<Double> unmaintainedMs = new ArrayList<>(commits);
            for (int c = 0; c < commits; c++) {
                unmaintainedMs.add(commit(unmaintained, c));
            }
            TableStats grown = unmaintained.stats();

            String setting = String.format("%s of 100 events/s in commits of 10 (%,d commits, %,d rows, compressed into %.0f s)",
                    span, commits, commits * ROWS_PER_COMMIT, seconds);
            bench.results.single("storage_maintained", setting + ", maintenance on (a pass every 600 commits, 1 h retention)",
                    String.format("%d fragments, %,d versions, %.0f MB, %s; after a cleanup pass with no retention: %d version(s),"
                                    + " %.0f MB", kept.fragments(), kept.versions(), kept.diskBytes() / 1e6, unindexed(kept),
                            cleaned.versions(), cleaned.diskBytes() / 1e6),
                    String.format("versions: every commit within the retention (old fragments stay readable with them);"
                            + " %d passes, p50 %.0f ms, max %.1f s (index builds included)", passMs.size(), Stats.of(passMs).p(50),
                            Stats.of(passMs).max() / 1000));
            bench.results.single("storage_unmaintained", setting + ", maintenance off",
                    String.format("%d fragments, %,d versions, %.0f MB, %s", grown.fragments(), grown.versions(),
                            grown.diskBytes() / 1e6, unindexed(grown)),
                    "the writer still compacts its own small fragments every 50 commits; nothing removes a version or"
                            + " folds new rows into an index");
            bench.results.latency("storage_commit", "commit of 10 rows while streaming " + span + ", maintenance on",
                    Stats.of(commitMs), "maintenance off, same commits", Stats.of(unmaintainedMs),
                    "merge-insert on id; every 50th commit also compacts the small fragments before it (the p99)");
        }
    }

    private static String unindexed(TableStats stats) {
        return stats.indexes().stream().map(index -> index.name() + " " + String.format("%,d", index.unindexedRows()) + " unindexed")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Commits the {@code c}-th batch of 10 new rows; returns how long the commit took (ms). */
    private double commit(LanceTable table, int c) {
        List<Row> batch = new ArrayList<>(ROWS_PER_COMMIT);
        for (int i = c * ROWS_PER_COMMIT; i < (c + 1) * ROWS_PER_COMMIT; i++) {
            batch.add(new Row("s-" + i, bench.corpus.text(i), bench.corpus.vector(i), InProcessEmbedder.MODEL, "events.bench",
                    i + 1, System.currentTimeMillis()));
        }
        long start = System.nanoTime();
        table.commit(batch);
        return (System.nanoTime() - start) / 1e6;
    }
}
