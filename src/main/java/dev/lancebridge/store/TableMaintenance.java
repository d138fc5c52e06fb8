package dev.lancebridge.store;

import org.lance.Dataset;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A table's maintenance passes, re-embeds and small-fragment compactions, one at a time under the maintenance lock, which is
 * taken before the writer's ({@link LanceTable} states the order).
 */
final class TableMaintenance {

    /**
     * The small-fragment compactions merge fragments of fewer rows than this, and no others:
     * merging everything would rewrite the growing tail each time, and the rewritten copies pile
     * up within the version retention (bench/REPORT.md, storage while streaming). The maintenance
     * pass merges them into large fragments once the indexes cover them.
     */
    static final long COMPACTED_FRAGMENT_ROWS = 1_000;
    private static final org.lance.compaction.CompactionOptions SMALL_FRAGMENTS = org.lance.compaction.CompactionOptions.builder()
            .withTargetRowsPerFragment(COMPACTED_FRAGMENT_ROWS).build();
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TableMaintenance.class);
    /** Compactions beside the writer that lost to its commits before one runs under its lock. */
    private static final int COMPACTION_TRIES_BESIDE_WRITER = 2;
    private final String name;
    private final ReadHandles handles;
    private final TableWriter writer;
    private final IndexPolicy indexPolicy;
    /** One maintenance pass or re-embed at a time (the schedule and {@code POST .../maintenance} may meet). */
    private final ReentrantLock lock;
    private volatile MaintenanceStats last;
    /** Runs the small-fragment compactions the writer asks for, one at a time, beside the writer. */
    private final java.util.concurrent.ExecutorService compactor;
    private final java.util.concurrent.atomic.AtomicBoolean compactionAsked = new java.util.concurrent.atomic.AtomicBoolean();

    TableMaintenance(String name, ReadHandles handles, TableWriter writer, IndexPolicy indexPolicy, ReentrantLock lock) {
        this.name = name;
        this.handles = handles;
        this.writer = writer;
        this.indexPolicy = indexPolicy;
        this.lock = lock;
        this.compactor = java.util.concurrent.Executors.newSingleThreadExecutor(dev.lancebridge.config.DaemonThreads.named("compact-" + name));
        writer.onSmallFragmentsDue(this::compactSmallFragmentsSoon);
    }

    /** Has the small fragments of the last commits compacted beside the writer; a request while one waits is the same request. */
    void compactSmallFragmentsSoon() {
        if (compactionAsked.compareAndSet(false, true)) {
            try {
                compactor.execute(this::compactSmallFragments);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                compactionAsked.set(false);
            }
        }
    }

    /**
     * Merges the fragments under {@value #COMPACTED_FRAGMENT_ROWS} rows, on a handle of its own.
     * Skipped while a pass or a re-embed runs (the pass compacts anyway); one that loses to the
     * writer's commits is skipped too, and asked again {@value TableWriter#COMPACT_AFTER_COMMITS}
     * commits later. The writer then continues from the compacted version.
     */
    private void compactSmallFragments() {
        compactionAsked.set(false);
        if (!lock.tryLock()) {
            return;
        }
        try {
            long start = System.nanoTime();
            RuntimeException lost = besideWriter(1, dataset -> dataset.compact(SMALL_FRAGMENTS));
            if (lost != null) {
                LOG.debugf("table %s: compacting the small fragments lost to a commit (asked again in %d commits): %s", name,
                        TableWriter.COMPACT_AFTER_COMMITS, lost.getMessage());
                return;
            }
            writer.refresh();
            LOG.debugf("table %s: compacted the small fragments in %.0f ms", name, (System.nanoTime() - start) / 1e6);
        } catch (RuntimeException e) {
            LOG.warnf("table %s: compacting the small fragments failed (the commits stand; asked again in %d commits): %s",
                    name, TableWriter.COMPACT_AFTER_COMMITS, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** The outcome of the last pass, failed or not; null before the first. */
    MaintenanceStats last() {
        return last;
    }

    /** See {@link LanceTable#maintain}. */
    MaintenanceStats maintain(Duration retention) {
        lock.lock();
        try {
            MaintenanceStats.Builder pass = MaintenanceStats.start();
            try {
                writer.maintainTombstones();
                compact(pass);
                writer.cleanUp(retention, pass);
                indexes(pass);
                last = pass.done(writer.committedVersion());
            } catch (RuntimeException e) {
                last = pass.failed(writer.committedVersion(), e.getMessage());
                throw new StoreException("maintenance of table '" + name + "' failed: " + e.getMessage(), e);
            }
            return last;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Compaction on a handle of its own, outside the writer's lock: at 100k rows it took seconds,
     * and the writer waited that long for its lock (bench/REPORT.md, Debezium). Appends commit
     * beside it. A merge or delete of rows it rewrites wins the race: Lance rebases the writer's
     * commit onto a compaction that committed first, and fails a compaction that committed second;
     * when that happens twice, under a stream of updates, the writer's lock is taken after all.
     */
    private void compact(MaintenanceStats.Builder pass) {
        RuntimeException lost = besideWriter(COMPACTION_TRIES_BESIDE_WRITER, dataset -> {
            pass.fragmentsBefore = dataset.getFragments().size();
            dataset.compact();
        });
        if (lost != null) {
            writer.compact(pass);
        }
    }

    /** Index work on a handle of its own, outside the writer's lock: building a vector index takes seconds to minutes. */
    private void indexes(MaintenanceStats.Builder pass) {
        RuntimeException lost = besideWriter(3, dataset -> {
            if (TableIndexes.createVectorIfDue(dataset, indexPolicy)) {
                pass.indexesCreated.add(TableIndexes.VECTOR);
            }
            pass.indexesOptimized.addAll(TableIndexes.optimize(dataset));
        });
        if (lost != null) {
            throw lost;
        }
        writer.refresh(); // the writer continues from the version that has the indexes
    }

    /**
     * Runs {@code work} on a handle of the newest version of its own, beside the writer, and again
     * on a newer one each time its commit loses a race with another (at most {@code attempts}
     * times). Returns the last lost race when every attempt lost; any other failure is thrown.
     */
    private RuntimeException besideWriter(int attempts, java.util.function.Consumer<Dataset> work) {
        RuntimeException lost = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try (Dataset dataset = handles.openLatest()) {
                work.accept(dataset);
                return null;
            } catch (RuntimeException e) {
                if (LanceFailure.of(e) != LanceFailure.COMMIT_CONFLICT) {
                    throw e;
                }
                lost = e;
            }
        }
        return lost;
    }

    /** See {@link LanceTable#reembed}. */
    long reembed(TableLayout next, java.util.function.Function<List<String>, List<float[]>> embed,
                 java.util.function.LongConsumer progress) {
        lock.lock();
        try {
            return writer.reembed(next, embed, progress);
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to 10 s for a pass under way and keeps the lock (the table is closing); false when the pass goes on. */
    boolean stop() throws InterruptedException {
        compactor.shutdownNow();
        return lock.tryLock(10, TimeUnit.SECONDS);
    }
}
