package dev.lancebridge.store;

import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.normalize.Truncation;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.Session;
import org.lance.cleanup.CleanupPolicy;
import org.lance.cleanup.RemovalStats;
import org.lance.merge.MergeInsertStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A table's single writer: the handle every change is committed through, the committed version
 * searches read, and the layout its rows are written in. Its lock is this object's monitor
 * ("the writer's lock"); {@link LanceTable} states the order it is taken in.
 */
final class TableWriter {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TableWriter.class);

    /**
     * Commits after which the writer has its small fragments compacted, without waiting for a
     * maintenance pass ({@link TableMaintenance#compactSmallFragmentsSoon}). Each commit adds a
     * fragment, and each fragment the id index does not cover yet slows every later merge-insert:
     * a maintenance interval's worth of them made small commits an order of magnitude slower
     * (bench/REPORT.md, storage while streaming).
     */
    static final int COMPACT_AFTER_COMMITS = 50;

    private final String name;
    private final StoreLocation store;
    private final BufferAllocator allocator;
    private final Session session;
    private final ReadHandles handles;
    private final Tombstones tombstones;
    /** The stored schema rows are written in, and the layout it was opened with; both change with a re-embed. */
    private volatile Schema schema;
    private volatile TableLayout layout;
    private Dataset latest;
    /** The latest version the writer committed: searches read it through the read handles. */
    private volatile long committedVersion;
    /** Commits since the small fragments were last compacted (or a maintenance pass compacted); under the writer's lock. */
    private int commitsSinceCompaction;
    /** A re-embed switches the committed version and the layout together under this lock; {@link #snapshot} reads both under it. */
    private final Object versionSwitch = new Object();
    /** Ids the table may hold: rows with other ids are appended, not merged. */
    private final KnownIds knownIds = new KnownIds();
    private final Thread knownIdsLoad;
    /** A search replica's table: it never writes, it follows the versions the writer commits ({@link #follow}). */
    private final boolean readOnly;
    /** Asked to compact the small fragments, every {@value #COMPACT_AFTER_COMMITS} commits. */
    private volatile Runnable smallFragmentsDue = () -> { };
    /** Told every version this writer commits (compaction and re-embed too), e.g. to notify search replicas. */
    private volatile java.util.function.LongConsumer commitListener = version -> { };

    TableWriter(String name, StoreLocation store, BufferAllocator allocator, Session session, ReadHandles handles, Tombstones tombstones,
                TableLayout layout, Dataset latest, boolean readOnly) {
        this.name = name;
        this.store = store;
        this.allocator = allocator;
        this.session = session;
        this.handles = handles;
        this.tombstones = tombstones;
        this.layout = layout;
        // rows are written the way the table stores them, whichever bridge version made it
        this.schema = latest.getSchema();
        this.latest = latest;
        this.committedVersion = latest.version();
        this.readOnly = readOnly;
        if (readOnly) {
            this.knownIdsLoad = null; // a replica never decides append vs merge
            return;
        }
        Dataset atOpen = handles.openLatest();
        this.knownIdsLoad = dev.lancebridge.config.DaemonThreads.named("ids-" + name)
                .newThread(() -> knownIds.load(name, atOpen));
        knownIdsLoad.start();
    }

    /** Throws unless this is the table's writer (a search replica's table refuses every change). */
    void requireWriter() {
        if (readOnly) {
            throw new ReadOnlyTableException(name);
        }
    }

    boolean readOnly() {
        return readOnly;
    }

    void onSmallFragmentsDue(Runnable compaction) {
        smallFragmentsDue = compaction;
    }

    void onCommitted(java.util.function.LongConsumer listener) {
        commitListener = listener;
    }

    /** Records {@code version} as committed (searches read it from now on) and tells the listener. */
    private void markCommitted(long version) {
        committedVersion = version;
        commitListener.accept(version);
    }

    /**
     * A search replica's step: moves to the newest version the writer committed, with its schema
     * and its vectors' model and dimension (a re-embed on the writer changes them), switched
     * together as {@link #reembed} does. Returns when the version switched to was committed (the
     * writer's clock), or null when there is nothing newer.
     */
    synchronized java.time.Instant follow() {
        Dataset newest = handles.openLatest();
        if (newest.version() == committedVersion) {
            newest.close();
            return null;
        }
        Schema stored = newest.getSchema();
        TableLayout following = layout.asStored(stored);
        synchronized (versionSwitch) {
            latest.close();
            latest = newest;
            layout = following;
            schema = stored;
            committedVersion = newest.version();
        }
        return newest.getVersion().getDataTime().toInstant();
    }

    long committedVersion() {
        return committedVersion;
    }

    Schema schema() {
        return schema;
    }

    TableLayout layout() {
        return layout;
    }

    /** The committed version and the model and dimension of its vectors, read together. */
    LanceTable.Snapshot snapshot() {
        synchronized (versionSwitch) {
            return new LanceTable.Snapshot(committedVersion, layout.model(), layout.dimension());
        }
    }

    /** Of {@code ids}, those the table may hold (the rest are certainly new). */
    List<String> mayHold(java.util.Collection<String> ids) {
        return ids.stream().filter(knownIds::mayHold).toList();
    }

    /** Whether the ids the table held at open are known yet (for tests). */
    boolean knownIdsLoaded() {
        return knownIds.loaded();
    }

    /**
     * See {@link LanceTable#commit}. A maintenance pass may have committed a compaction beside this
     * lock since the writer's handle was opened: Lance rebases the merge and the deletes onto it
     * (LanceTableTest, MaintenanceWhileBusyTest).
     */
    synchronized CommitStats commit(List<? extends Normalized> changes) {
        requireWriter();
        Map<String, Normalized> newest = NewestPerId.of(changes);
        List<Row> rows = new ArrayList<>();
        List<Deletion> deletions = new ArrayList<>();
        List<Truncation> truncations = changes.stream().filter(Truncation.class::isInstance).map(Truncation.class::cast).toList();
        long truncatedThrough = truncations.stream().mapToLong(Truncation::position).max().orElse(Long.MIN_VALUE);
        long skipped = changes.size() - newest.size() - truncations.size();
        try {
            if (truncatedThrough != Long.MIN_VALUE) {
                // before the batch's rows are weighed: those it covers are buried with the rest
                truncate(truncatedThrough);
            }
        } catch (RuntimeException e) {
            throw new StoreException("truncating table '" + name + "' failed: " + e.getMessage(), e);
        }
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
                                + layout.ordering().olderThan("", d.position()) + ")")
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
                MergeInsertStats stats = replace(Upserts.mergeInsert(latest, allocator, RowBatch.of(known, schema, layout, allocator),
                        layout.ordering()));
                inserted += stats.numInsertedRows();
                updated = stats.numUpdatedRows();
                skipped += known.size() - stats.numInsertedRows() - updated;
            }
            markCommitted(latest.version());
            long deleted = deletions.size() + truncations.size();
            CommitStats committed = new CommitStats(inserted, updated, deleted, skipped, committedVersion);
            compactIfDue();
            return committed;
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StoreException("commit to table '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * Every {@value #COMPACT_AFTER_COMMITS} commits, has the small fragments compacted beside this
     * thread: compacting them here took up to 6 s on a 100k-row table right after an index build,
     * and every event waited for it (bench/REPORT.md, Debezium).
     */
    private void compactIfDue() {
        if (++commitsSinceCompaction >= COMPACT_AFTER_COMMITS) {
            commitsSinceCompaction = 0;
            smallFragmentsDue.run();
        }
    }

    /** Appends rows whose ids the table cannot hold yet ({@link KnownIds}): no join, one new fragment. */
    private void append(List<Row> rows) {
        Dataset next = Upserts.append(latest, store, allocator, session, RowBatch.of(rows, schema, layout, allocator));
        latest.close();
        latest = next;
    }

    private MergeInsertStats replace(org.lance.merge.MergeInsertResult result) {
        Dataset previous = latest;
        latest = result.dataset();
        previous.close();
        return result.stats();
    }

    /**
     * A truncate: its tombstone first, then one commit that deletes every row at or before
     * {@code position}. A re-sent older change is buried by the tombstone, so nothing comes back.
     */
    private void truncate(long position) {
        tombstones.recordTruncation(position);
        latest.delete(layout.ordering().olderThan("", position + 1));
    }

    /** See {@link LanceTable#ackedThrough}. */
    synchronized void ackedThrough(long seq) {
        requireWriter();
        tombstones.forgetThrough(seq);
    }

    /** Tombstones held in memory, and in the dataset beside the table (for tests and figures). */
    synchronized long[] tombstoneCounts() {
        if (readOnly) {
            return new long[] {0, 0};
        }
        return new long[] {tombstones.inMemory(), tombstones.stored()};
    }

    /**
     * A maintenance pass's compaction under the writer's lock, when it lost to the writer's commits
     * beside it; {@link #cleanUp}, which the pass runs next, moves the writer to its version.
     */
    synchronized void compact(MaintenanceStats.Builder pass) {
        requireWriter();
        pass.fragmentsBefore = latest.getFragments().size();
        latest.compact();
    }

    /** A maintenance pass's part under the writer's lock: the tombstones (small, and only the writer writes them). */
    synchronized void maintainTombstones() {
        requireWriter();
        tombstones.maintain();
    }

    /**
     * A maintenance pass's part under the writer's lock, after its compaction committed: continue
     * from that version, and remove the versions older than {@code retention} (tagged ones stay).
     * Under the lock, so that no commit is writing files a cleanup with a short retention could
     * take for leftovers.
     */
    synchronized void cleanUp(java.time.Duration retention, MaintenanceStats.Builder pass) {
        requireWriter();
        refresh();
        commitsSinceCompaction = 0;
        RemovalStats removed = latest.cleanupWithPolicy(CleanupPolicy.builder()
                .withBeforeTimestampMillis(System.currentTimeMillis() - retention.toMillis())
                .withErrorIfTaggedOldVersions(false) // keep tagged versions, clean the rest
                .build());
        pass.fragmentsAfter = latest.getFragments().size();
        pass.versionsRemoved = removed.getOldVersions();
        pass.bytesRemoved = removed.getBytesRemoved();
    }

    /** Moves the writer's handle to the newest version (after a commit made elsewhere: compaction, index). */
    synchronized void refresh() {
        Dataset newest = handles.openLatest();
        latest.close();
        latest = newest;
        markCommitted(latest.version());
    }

    /**
     * Rewrites every row's vector into one new version laid out as {@code next} (see
     * {@link LanceTable#reembed}); the caller holds the maintenance lock.
     */
    synchronized long reembed(TableLayout next, java.util.function.Function<List<String>, List<float[]>> embed,
                              java.util.function.LongConsumer progress) {
        requireWriter();
        ReembedReader.rewrite(name, latest, store, next, embed, progress, allocator, session);
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
            markCommitted(newest.version());
        }
        return committedVersion;
    }

    synchronized TagInfo tag(TableVersions versions, String tag, Long version) {
        requireWriter();
        return versions.tag(latest, tag, version == null ? latest.latestVersion() : version);
    }

    synchronized boolean untag(TableVersions versions, String tag) {
        requireWriter();
        return versions.untag(latest, tag);
    }

    /** Stops the load of the known ids; false when it is still reading after 10 s. */
    boolean stopLoading() throws InterruptedException {
        knownIds.stop();
        if (knownIdsLoad == null) {
            return true;
        }
        knownIdsLoad.join(10_000); // its scan reads through the table's allocator
        return !knownIdsLoad.isAlive();
    }

    synchronized void close() {
        latest.close();
        if (tombstones != null) {
            tombstones.close();
        }
    }
}
