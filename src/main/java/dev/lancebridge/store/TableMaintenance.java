package dev.lancebridge.store;

import org.lance.Dataset;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A table's maintenance passes and re-embeds, one at a time under the maintenance lock, which is
 * taken before the writer's ({@link LanceTable} states the order).
 */
final class TableMaintenance {

    /** Compactions beside the writer that lost to its commits before one runs under its lock. */
    private static final int COMPACTION_TRIES_BESIDE_WRITER = 2;
    private final String name;
    private final ReadHandles handles;
    private final TableWriter writer;
    private final IndexPolicy indexPolicy;
    /** One maintenance pass or re-embed at a time (the schedule and {@code POST .../maintenance} may meet). */
    private final ReentrantLock lock;
    private volatile MaintenanceStats last;

    TableMaintenance(String name, ReadHandles handles, TableWriter writer, IndexPolicy indexPolicy, ReentrantLock lock) {
        this.name = name;
        this.handles = handles;
        this.writer = writer;
        this.indexPolicy = indexPolicy;
        this.lock = lock;
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
        for (int attempt = 1; attempt <= COMPACTION_TRIES_BESIDE_WRITER; attempt++) {
            try (Dataset dataset = handles.openLatest()) {
                pass.fragmentsBefore = dataset.getFragments().size();
                dataset.compact();
                return;
            } catch (RuntimeException e) {
                if (LanceFailure.of(e) != LanceFailure.COMMIT_CONFLICT) {
                    throw e;
                }
            }
        }
        writer.compact(pass);
    }

    /** Index work on a handle of its own, outside the writer's lock: building a vector index takes seconds to minutes. */
    private void indexes(MaintenanceStats.Builder pass) {
        for (int attempt = 1; ; attempt++) {
            try (Dataset dataset = handles.openLatest()) {
                if (TableIndexes.createVectorIfDue(dataset, indexPolicy)) {
                    pass.indexesCreated.add(TableIndexes.VECTOR);
                }
                pass.indexesOptimized.addAll(TableIndexes.optimize(dataset));
                break;
            } catch (RuntimeException e) {
                if (attempt == 3 || LanceFailure.of(e) != LanceFailure.COMMIT_CONFLICT) {
                    throw e;
                }
            }
        }
        writer.refresh(); // the writer continues from the version that has the indexes
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
        return lock.tryLock(10, TimeUnit.SECONDS);
    }
}
