package dev.lancebridge.store;

import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Row;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.Session;
import org.lance.WriteParams;
import org.lance.cleanup.CleanupPolicy;
import org.lance.cleanup.RemovalStats;
import org.lance.compaction.CompactionOptions;
import org.lance.merge.MergeInsertStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One LanceDB table ({@code <store>/<name>.lance}) and its single writer. Every commit goes
 * through {@link #commit}, serialised by this object's lock; reads go through {@link ReadHandles}
 * and never block the writer.
 *
 * <p>Locks, always taken in this order: {@code maintenance} (one pass or re-embed at a time), then
 * this object's (the writer), then {@code versionSwitch} (the committed version and the layout,
 * switched together). The locks of {@link ReadHandles} and {@link Tombstones} are leaves: nothing
 * else is taken while they are held.
 */
public final class LanceTable implements AutoCloseable {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LanceTable.class);

    /** The cosine distance column of a vector search. */
    public static final String DISTANCE = "_distance";
    /** The BM25 relevance column of a full-text search. */
    public static final String SCORE = "_score";
    /**
     * Commits after which the writer compacts its small fragments itself. Each commit adds a
     * fragment, and each fragment the id index does not cover yet slows every later merge-insert:
     * a maintenance interval's worth of them made small commits an order of magnitude slower
     * (bench/REPORT.md, storage while streaming).
     */
    static final int COMPACT_AFTER_COMMITS = 50;
    /**
     * The writer's compactions merge fragments of fewer rows than this, and no others: merging
     * everything would rewrite the growing tail each time, and the rewritten copies pile up within
     * the version retention (bench/REPORT.md, storage while streaming). The maintenance pass merges
     * them into large fragments once the indexes cover them.
     */
    static final long COMPACTED_FRAGMENT_ROWS = 1_000;
    private static final CompactionOptions WRITER_COMPACTION = CompactionOptions.builder()
            .withTargetRowsPerFragment(COMPACTED_FRAGMENT_ROWS).build();

    private final String name;
    private final Path path;
    private final BufferAllocator allocator;
    private final Session session;
    /** The stored schema rows are written in, and the layout it was opened with; both change with a re-embed. */
    private volatile Schema schema;
    private volatile TableLayout layout;
    private final Tombstones tombstones;
    private final IndexPolicy indexPolicy;
    /** One maintenance pass at a time (the schedule and {@code POST .../maintenance} may meet). */
    private final java.util.concurrent.locks.ReentrantLock maintenance = new java.util.concurrent.locks.ReentrantLock();
    private volatile MaintenanceStats lastMaintenance;
    /** Commits since the last compaction (the writer's own or a maintenance pass's); guarded by this object's lock. */
    private int commitsSinceCompaction;
    private Dataset latest;
    /** The latest version the writer committed: searches read it through {@link #handles}. */
    private volatile long committedVersion;
    /** A re-embed switches the committed version and the layout together under this lock; {@link #snapshot} reads both under it. */
    private final Object versionSwitch = new Object();
    private final ReadHandles handles;
    private final TableVersions versions;
    private final TableScans scans;
    /** Ids the table may hold: rows with other ids are appended, not merged. */
    private final KnownIds knownIds = new KnownIds();
    private final Thread knownIdsLoad;

    private LanceTable(String name, Path path, BufferAllocator allocator, Session session, Schema schema,
                       TableLayout layout, Tombstones tombstones, IndexPolicy indexPolicy, Dataset latest) {
        this.name = name;
        this.path = path;
        this.allocator = allocator;
        this.session = session;
        this.schema = schema;
        this.layout = layout;
        this.tombstones = tombstones;
        this.indexPolicy = indexPolicy;
        this.latest = latest;
        this.committedVersion = latest.version();
        this.handles = new ReadHandles(name, path, allocator, session);
        this.versions = new TableVersions(name, handles);
        this.scans = new TableScans(name, handles, allocator);
        Dataset atOpen = handles.openLatest();
        this.knownIdsLoad = dev.lancebridge.config.DaemonThreads.named("ids-" + name)
                .newThread(() -> knownIds.load(name, atOpen));
        knownIdsLoad.start();
    }

    /**
     * Opens {@code <storeDir>/<name>.lance}, creating an empty table if there is none, and adds
     * the declared columns an existing table lacks.
     *
     * @throws IncompatibleTableException when the stored table cannot take the layout
     */
    static LanceTable open(String name, Path storeDir, BufferAllocator allocator, Session session,
                           TableLayout layout, IndexPolicy indexPolicy) {
        Path path = storeDir.resolve(name + ".lance");
        Schema declared = layout.schema();
        Tombstones tombstones = null;
        try {
            Files.createDirectories(storeDir.resolve("_bridge"));
            tombstones = Tombstones.open(storeDir.resolve("_bridge").resolve(name + ".tombstones.lance"), allocator, session);
            Dataset dataset = Files.exists(path)
                    ? Dataset.open(allocator, path.toString(), ReadHandles.options(session))
                    : Dataset.create(allocator, path.toString(), declared, new WriteParams.Builder().build());
            List<org.apache.arrow.vector.types.pojo.Field> missing = SchemaEvolution.missingFields(name, dataset.getSchema(), layout);
            if (!missing.isEmpty()) {
                dataset.addColumns(missing);
                dataset.close();
                dataset = Dataset.open(allocator, path.toString(), ReadHandles.options(session));
                LOG.infof("table %s: added the columns %s (existing rows hold null)", name,
                        missing.stream().map(org.apache.arrow.vector.types.pojo.Field::getName).toList());
            }
            TableIndexes.ensureScalar(dataset);
            if (!TableIndexes.vectorIndexable(dataset)) {
                LOG.warnf("table %s: its vector column was declared with non-null items by an older bridge; Lance 7.0.0 cannot"
                        + " merge into such a table once it has a vector index, so it keeps brute-force search."
                        + " Re-create it (replay the stream into a new store) to get the index.", name);
            }
            // rows are written the way the table stores them, whichever bridge version made it
            Schema schema = dataset.getSchema();
            return new LanceTable(name, path, allocator, session, schema, layout, tombstones, indexPolicy, dataset);
        } catch (Exception e) {
            if (tombstones != null) {
                tombstones.close();
            }
            if (e instanceof IncompatibleTableException incompatible) {
                throw incompatible;
            }
            throw new StoreException("could not open table '" + name + "' at " + path + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public Path path() {
        return path;
    }

    public int dimension() {
        return layout.dimension();
    }

    public String model() {
        return layout.model();
    }

    /** The latest committed version and the model and dimension of its vectors, read together. */
    public record Snapshot(long version, String model, int dimension) {
    }

    /** What a search must use together: the version to read and the model that made its vectors. */
    public Snapshot snapshot() {
        synchronized (versionSwitch) {
            return new Snapshot(committedVersion, layout.model(), layout.dimension());
        }
    }

    /** The table's columns but the vector, in stored order: what a search hit or an export carries by default. */
    public List<String> scalarColumns() {
        return schema.getFields().stream().map(org.apache.arrow.vector.types.pojo.Field::getName)
                .filter(column -> !column.equals(TableSchema.VECTOR)).toList();
    }

    /**
     * Applies a batch of rows (with vectors) and deletions in one go: the newest change per id wins,
     * rows older than the stored version or the tombstone of their id are skipped, tombstones are
     * persisted before the rows they bury are deleted. Idempotent: committing a batch twice changes
     * nothing the second time. Rejections in {@code changes} are ignored.
     */
    public synchronized CommitStats commit(List<? extends Normalized> changes) {
        Map<String, Normalized> newest = latestPerId(changes);
        List<Row> rows = new ArrayList<>();
        List<Deletion> deletions = new ArrayList<>();
        long skipped = changes.size() - newest.size();
        for (Normalized change : newest.values()) {
            if (change instanceof Row row) {
                if (tombstones.buries(row)) {
                    skipped++;
                } else {
                    rows.add(row);
                }
            } else if (change instanceof Deletion deletion) {
                deletions.add(deletion);
            }
        }
        try {
            if (!deletions.isEmpty()) {
                tombstones.record(deletions);
                latest.delete(Upserts.anyOf(deletions.stream()
                        .map(d -> "(" + TableSchema.ID + " = " + Upserts.literal(d.id()) + " AND "
                                + TableSchema.STREAM_SEQ + " < " + d.streamSeq() + ")")
                        .toList()));
            }
            long inserted = 0;
            long updated = 0;
            List<Row> fresh = new ArrayList<>();
            List<Row> known = new ArrayList<>();
            boolean[] mayBeHeld = knownIds.admit(rows.stream().map(Row::id).toList());
            for (int i = 0; i < rows.size(); i++) {
                (mayBeHeld[i] ? known : fresh).add(rows.get(i));
            }
            if (!fresh.isEmpty()) {
                append(fresh);
                inserted = fresh.size();
            }
            if (!known.isEmpty()) {
                MergeInsertStats stats = replace(Upserts.mergeInsert(latest, allocator, RowBatch.of(known, schema, layout, allocator)));
                inserted += stats.numInsertedRows();
                updated = stats.numUpdatedRows();
                skipped += known.size() - stats.numInsertedRows() - updated;
            }
            committedVersion = latest.version();
            CommitStats committed = new CommitStats(inserted, updated, deletions.size(), skipped, committedVersion);
            compactIfDue();
            return committed;
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StoreException("commit to table '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * Compacts the small fragments of the last {@value #COMPACT_AFTER_COMMITS} commits (tens of ms),
     * under the writer's lock. Not while a maintenance pass runs: its index commits would conflict with the
     * compaction's (and it compacts anyway). The commit before has returned either way: a failed
     * compaction is logged and tried again {@value #COMPACT_AFTER_COMMITS} commits later.
     */
    private void compactIfDue() {
        // tryLock, not lock: maintain() takes the maintenance lock before the writer's, and this holds the writer's
        if (++commitsSinceCompaction < COMPACT_AFTER_COMMITS || !maintenance.tryLock()) {
            return;
        }
        try {
            long start = System.nanoTime();
            latest.compact(WRITER_COMPACTION);
            refreshLatest();
            LOG.debugf("table %s: compacted the last %d commits in %.0f ms", name, commitsSinceCompaction,
                    (System.nanoTime() - start) / 1e6);
        } catch (RuntimeException e) {
            LOG.warnf("table %s: compacting the last %d commits failed (the commits stand; next try in %d commits): %s",
                    name, commitsSinceCompaction, COMPACT_AFTER_COMMITS, e.getMessage());
        } finally {
            commitsSinceCompaction = 0;
            maintenance.unlock();
        }
    }

    /** Appends rows whose ids the table cannot hold yet ({@link KnownIds}): no join, one new fragment. */
    private void append(List<Row> rows) {
        Dataset next = Upserts.append(latest, allocator, session, RowBatch.of(rows, schema, layout, allocator));
        latest.close();
        latest = next;
    }

    /** Whether the ids the table held at open are known yet (for tests). */
    boolean knownIdsLoaded() {
        return knownIds.loaded();
    }

    private MergeInsertStats replace(org.lance.merge.MergeInsertResult result) {
        Dataset previous = latest;
        latest = result.dataset();
        previous.close();
        return result.stats();
    }

    /** Keeps, per id, the change with the highest stream sequence (a batch must not hold an id twice). */
    static Map<String, Normalized> latestPerId(List<? extends Normalized> changes) {
        Map<String, Normalized> newest = new HashMap<>(changes.size() * 2);
        for (Normalized change : changes) {
            String id = change instanceof Row row ? row.id()
                    : change instanceof Deletion deletion ? deletion.id()
                    : null;
            if (id != null) {
                newest.merge(id, change, (a, b) -> b.streamSeq() > a.streamSeq() ? b : a);
            }
        }
        return newest;
    }

    /**
     * The stored vector, its model and text hash, of those {@code ids} the latest version holds:
     * one filtered scan (the id index answers it), so an unchanged text need not be embedded again.
     */
    public Map<String, dev.lancebridge.embed.StoredVectors.Stored> storedVectors(java.util.Collection<String> ids) {
        List<String> mayBeStored = ids.stream().filter(knownIds::mayHold).toList();
        return scans.storedVectors(committedVersion, mayBeStored);
    }

    /** Rows in the latest version, optionally only those matching a SQL predicate. */
    public long countRows(String filter) {
        ReadHandles.Shared shared = handles.acquire(committedVersion);
        try {
            return filter == null ? shared.dataset.countRows() : shared.dataset.countRows(filter);
        } finally {
            shared.release();
        }
    }

    /** What the latest version holds and how its storage looks, read together. */
    public TableStats stats() {
        ReadHandles.Shared shared = handles.acquire(committedVersion);
        try {
            Dataset dataset = shared.dataset;
            return new TableStats(dataset.countRows(), dataset.version(), dataset.getFragments().size(),
                    versionsOnDisk(), TableIndexes.describe(dataset), diskBytes(), lastMaintenance);
        } finally {
            shared.release();
        }
    }

    /**
     * Manifests under {@code _versions/}: one per version still on disk. Counted from the listing,
     * because reading every manifest ({@code listVersions}) costs a file read per version, and a
     * busy table keeps tens of thousands within the retention.
     */
    private int versionsOnDisk() {
        try (java.util.stream.Stream<Path> files = Files.list(path.resolve("_versions"))) {
            return (int) files.filter(file -> file.getFileName().toString().endsWith(".manifest")).count();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** Bytes under the table's directory: every version's data, manifests and indexes. */
    private long diskBytes() {
        try (java.util.stream.Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (java.io.IOException e) {
                    return 0; // removed by a cleanup meanwhile
                }
            }).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** Reads what a {@link #scan} produced while the table version is open. */
    @FunctionalInterface
    public interface ScanConsumer<T> {
        T accept(ArrowReader reader, long version) throws Exception;
    }

    /**
     * Runs {@code request} on the requested (or latest) version and hands the scanner's Arrow
     * reader to {@code consumer} while the version is open: batches go from Lance to the
     * consumer without copies. Searches return {@code id}, the requested columns, then
     * {@code _distance} (vector) or {@code _score} (full text).
     *
     * @throws IllegalArgumentException for a request the caller must fix (unknown column or
     *                                  version, invalid filter)
     */
    public <T> T scan(ScanRequest request, ScanConsumer<T> consumer) {
        return scans.scan(committedVersion, request, consumer);
    }

    /**
     * Opens and plans {@code request} without reading it; the caller reads and closes it. For
     * answers streamed after the response status is sent: every request error shows up here.
     *
     * @throws IllegalArgumentException for a request the caller must fix
     */
    public OpenScan openScan(ScanRequest request) {
        return scans.open(committedVersion, request);
    }

    /**
     * Hands computed rows (e.g. fused hybrid hits) to {@code consumer} as an Arrow reader typed
     * like this table: {@code id}, {@code columns}, then float {@code scores} columns.
     */
    public <T> T asArrow(List<Map<String, Object>> rows, List<String> columns, List<String> scores, long version,
                         ScanConsumer<T> consumer) {
        return scans.asArrow(schema, rows, columns, scores, version, consumer);
    }

    /**
     * One maintenance pass: compacts small fragments and removes versions older than
     * {@code retention} (tagged versions are kept) under the writer's lock, so it never races a
     * commit; then, outside the lock so that ingest goes on, builds the vector index once the
     * table is big enough and folds new rows into every index. An index commit that loses a race
     * with the writer is retried. The outcome, failed or not, is kept for {@link #stats()}.
     */
    public MaintenanceStats maintain(java.time.Duration retention) {
        maintenance.lock();
        try {
            MaintenanceStats.Builder pass = MaintenanceStats.start();
            try {
                compactAndClean(retention, pass);
                indexes(pass);
                lastMaintenance = pass.done(committedVersion);
            } catch (RuntimeException e) {
                lastMaintenance = pass.failed(committedVersion, e.getMessage());
                throw new StoreException("maintenance of table '" + name + "' failed: " + e.getMessage(), e);
            }
            return lastMaintenance;
        } finally {
            maintenance.unlock();
        }
    }

    /**
     * The table's consumer has acked every event at or below {@code seq}: no redelivery can bring
     * back an event the tombstones at or below it guard against, so they are let go.
     */
    public synchronized void ackedThrough(long seq) {
        tombstones.forgetThrough(seq);
    }

    /** Tombstones held in memory, and in the dataset beside the table (for tests and figures). */
    synchronized long[] tombstoneCounts() {
        return new long[] {tombstones.inMemory(), tombstones.stored()};
    }

    private synchronized void compactAndClean(java.time.Duration retention, MaintenanceStats.Builder pass) {
        tombstones.maintain();
        pass.fragmentsBefore = latest.getFragments().size();
        latest.compact();
        // compaction commits a version of its own: continue from the newest one
        refreshLatest();
        commitsSinceCompaction = 0;
        RemovalStats removed = latest.cleanupWithPolicy(CleanupPolicy.builder()
                .withBeforeTimestampMillis(System.currentTimeMillis() - retention.toMillis())
                .withErrorIfTaggedOldVersions(false) // keep tagged versions, clean the rest
                .build());
        pass.fragmentsAfter = latest.getFragments().size();
        pass.versionsRemoved = removed.getOldVersions();
        pass.bytesRemoved = removed.getBytesRemoved();
    }

    /** Index work on a handle of its own: building a vector index takes seconds to minutes. */
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
        synchronized (this) {
            refreshLatest(); // the writer continues from the version that has the indexes
        }
    }

    /** Moves the writer's handle to the newest version; under the writer's lock. */
    private void refreshLatest() {
        Dataset newest = handles.openLatest();
        latest.close();
        latest = newest;
        committedVersion = latest.version();
    }

    /**
     * Rebuilds every row's vector with {@code embed} into one new version laid out as
     * {@code next} (another model, maybe another dimension), keeping every other column. Runs under
     * the writer's and maintenance's locks; searches go on reading the version before until the
     * new one is committed, then switch to it. Older versions stay readable (time travel) with
     * their own vectors until cleanup removes them.
     *
     * @return the version that holds the new vectors
     */
    public long reembed(TableLayout next, java.util.function.Function<List<String>, List<float[]>> embed,
                        java.util.function.LongConsumer progress) {
        maintenance.lock();
        try {
            synchronized (this) {
                ReembedReader.rewrite(name, latest, path, next, embed, progress, allocator, session);
                Dataset indexed = handles.openLatest();
                try {
                    TableIndexes.ensureScalar(indexed);
                } finally {
                    indexed.close();
                }
                Dataset newest = handles.openLatest();
                // searches see the new version and the new model together (snapshot()), never one without the other
                synchronized (versionSwitch) {
                    latest.close();
                    latest = newest;
                    layout = next;
                    schema = newest.getSchema();
                    committedVersion = newest.version();
                }
                return committedVersion;
            }
        } finally {
            maintenance.unlock();
        }
    }

    /** Names {@code version} (the latest when null) {@code name}; through the writer, like every change. */
    public synchronized TagInfo tag(String name, Long version) {
        return versions.tag(latest, name, version == null ? latest.latestVersion() : version);
    }

    /** Removes tag {@code name}, so that cleanup may release its version; false when there is no such tag. */
    public synchronized boolean untag(String name) {
        return versions.untag(latest, name);
    }

    public List<TagInfo> tags() {
        return versions.tags();
    }

    public long versionOf(String tag) {
        return versions.versionOf(tag);
    }

    public List<VersionInfo> versions() {
        return versions.versions();
    }

    /**
     * Closes the table. A maintenance pass still building an index, or the load of the known ids
     * still reading, after {@code 10 s} is abandoned with its native handles (the process is exiting; the unfinished index was never committed).
     */
    @Override
    public void close() {
        knownIds.stop();
        try {
            knownIdsLoad.join(10_000); // its scan reads through this table's allocator
            if (knownIdsLoad.isAlive() || !maintenance.tryLock(10, java.util.concurrent.TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (this) { // lock order, as in maintain(): maintenance, then the writer
            handles.close();
            latest.close();
            tombstones.close();
            allocator.close();
        }
    }
}
