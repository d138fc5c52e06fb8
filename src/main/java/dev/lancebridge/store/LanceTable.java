package dev.lancebridge.store;

import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.lance.Dataset;
import org.lance.Session;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One LanceDB table ({@code <store>/<name>.lance}): a front over one part per job, as LanceDB's
 * Rust table splits by operation. {@link TableWriter} commits every change (the single writer),
 * {@link TableScans} reads (search, export, stored vectors) through {@link ReadHandles} and never
 * blocks the writer, {@link TableMaintenance} runs maintenance passes and re-embeds, and
 * {@link TableVersions} lists versions and tags.
 *
 * <p>Locks, always taken in this order: the maintenance lock (one pass, re-embed or small-fragment compaction at a time),
 * then the writer's ({@link TableWriter}'s monitor), then the writer's version switch (the
 * committed version and the layout, switched together). The locks of {@link ReadHandles} and
 * {@link Tombstones} are leaves: nothing else is taken while they are held.
 */
public final class LanceTable implements AutoCloseable {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LanceTable.class);

    /** The cosine distance column of a vector search. */
    public static final String DISTANCE = "_distance";
    /** The BM25 relevance column of a full-text search. */
    public static final String SCORE = "_score";
    private final String name;
    private final String uri;
    private final StoreLocation store;
    private final BufferAllocator allocator;
    private final ReadHandles handles;
    private final TableWriter writer;
    private final TableMaintenance maintenance;
    private final TableVersions versions;
    private final TableScans scans;
    private final MovedRows moved = new MovedRows();
    private final TableFootprint footprint;

    private LanceTable(String name, StoreLocation store, BufferAllocator allocator, Session session, TableLayout layout,
                       Tombstones tombstones, IndexPolicy indexPolicy, Dataset latest, boolean readOnly) {
        this.name = name;
        this.uri = store.uri(name + ".lance");
        this.store = store;
        this.footprint = new TableFootprint(store, name);
        this.allocator = allocator;
        this.handles = new ReadHandles(name, uri, store, allocator, session);
        ReentrantLock maintenanceLock = new ReentrantLock();
        this.writer = new TableWriter(name, store, allocator, session, handles, tombstones, layout, latest, readOnly);
        this.maintenance = new TableMaintenance(name, handles, writer, indexPolicy, maintenanceLock);
        this.versions = new TableVersions(name, handles);
        this.scans = new TableScans(name, handles, allocator);
    }

    /**
     * Opens {@code <store>/<name>.lance}, creating an empty table if there is none, and adds
     * the declared columns an existing table lacks.
     *
     * @throws IncompatibleTableException when the stored table cannot take the layout
     */
    static LanceTable open(String name, StoreLocation store, BufferAllocator allocator, Session session,
                           TableLayout layout, IndexPolicy indexPolicy) {
        String uri = store.uri(name + ".lance");
        org.apache.arrow.vector.types.pojo.Schema declared = layout.schema();
        Tombstones tombstones = null;
        try {
            if (store.local()) {
                Files.createDirectories(store.directory().resolve("_bridge"));
            }
            tombstones = Tombstones.open(store, name, layout.ordering(), allocator, session);
            Dataset dataset = store.openOrCreate(allocator, uri, session, declared);
            List<org.apache.arrow.vector.types.pojo.Field> missing = SchemaEvolution.missingFields(name, dataset.getSchema(), layout);
            if (!missing.isEmpty()) {
                dataset.addColumns(missing);
                dataset.close();
                dataset = Dataset.open(allocator, uri, store.read(session));
                LOG.infof("table %s: added the columns %s (existing rows hold null)", name,
                        missing.stream().map(org.apache.arrow.vector.types.pojo.Field::getName).toList());
            }
            TableIndexes.ensureScalar(dataset);
            if (!TableIndexes.vectorIndexable(dataset)) {
                LOG.warnf("table %s: its vector column was declared with non-null items by an older bridge; Lance 7.0.0 cannot"
                        + " merge into such a table once it has a vector index, so it keeps brute-force search."
                        + " Re-create it (replay the stream into a new store) to get the index.", name);
            }
            return new LanceTable(name, store, allocator, session, layout, tombstones, indexPolicy, dataset, false);
        } catch (Exception e) {
            if (tombstones != null) {
                tombstones.close();
            }
            if (e instanceof IncompatibleTableException incompatible) {
                throw incompatible;
            }
            throw new StoreException("could not open table '" + name + "' at " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens {@code <store>/<name>.lance} for a search replica: read-only (no table, tombstones or
     * columns are created), following the versions the writer commits ({@link #follow}). Empty
     * while the writer has not created the table yet.
     */
    static java.util.Optional<LanceTable> openReadOnly(String name, StoreLocation store, BufferAllocator allocator, Session session,
                                                       TableLayout layout, IndexPolicy indexPolicy) {
        String uri = store.uri(name + ".lance");
        try {
            return store.open(allocator, uri, session).map(dataset -> {
                TableLayout following = layout.asStored(dataset.getSchema());
                return new LanceTable(name, store, allocator, session, following, null, indexPolicy, dataset, true);
            });
        } catch (RuntimeException e) {
            throw new StoreException("could not open table '" + name + "' at " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * A search replica's step: switches to the newest version the writer committed. Returns when
     * that version was committed (the writer's clock), or empty when there was nothing newer.
     */
    public java.util.Optional<java.time.Instant> follow() {
        return java.util.Optional.ofNullable(writer.follow());
    }

    /** True for a search replica's table (it never changes the table). */
    public boolean readOnly() {
        return writer.readOnly();
    }

    /** Tells {@code listener} every version the writer commits (rows, compaction, re-embed). */
    public void onCommitted(java.util.function.LongConsumer listener) {
        writer.onCommitted(listener);
    }

    public String name() {
        return name;
    }

    /** Where the table is: {@code <store>/<name>.lance}, a directory or an object-store URI. */
    public String uri() {
        return uri;
    }

    public int dimension() {
        return writer.layout().dimension();
    }

    public String model() {
        return writer.layout().model();
    }

    /** The latest committed version and the model and dimension of its vectors, read together. */
    public record Snapshot(long version, String model, int dimension) {
    }

    /** What a search must use together: the version to read and the model that made its vectors. */
    public Snapshot snapshot() {
        return writer.snapshot();
    }

    /** The table's columns but the vector, in stored order: what a search hit or an export carries by default. */
    public List<String> scalarColumns() {
        return writer.schema().getFields().stream().map(org.apache.arrow.vector.types.pojo.Field::getName)
                .filter(column -> !column.equals(TableSchema.VECTOR)).toList();
    }

    /**
     * Applies a batch of rows (with vectors) and deletions in one go: the newest change per id wins,
     * rows older than the stored version or the tombstone of their id are skipped, tombstones are
     * persisted before the rows they bury are deleted. Idempotent: committing a batch twice changes
     * nothing the second time. Rejections in {@code changes} are ignored.
     */
    public CommitStats commit(List<? extends Normalized> changes) {
        List<String> moving = changes.stream().filter(change -> change instanceof Deletion deletion && deletion.moved())
                .map(change -> ((Deletion) change).id()).toList();
        if (!moving.isEmpty()) {
            // before they are deleted: the create of their new key may leave values out (see MovedRows)
            moved.keep(storedVectors(moving, true));
        }
        return writer.commit(changes);
    }

    /** Whether the ids the table held at open are known yet (for tests). */
    boolean knownIdsLoaded() {
        return writer.knownIdsLoaded();
    }

    /**
     * The stored vector, its model and text hash, of those {@code ids} the latest version holds:
     * one filtered scan (the id index answers it), so an unchanged text need not be embedded again.
     */
    public Map<String, dev.lancebridge.embed.StoredVectors.Stored> storedVectors(java.util.Collection<String> ids) {
        return storedVectors(ids, false);
    }

    /** As {@link #storedVectors(java.util.Collection)}, with the stored text and declared column values when {@code withValues}. */
    public Map<String, dev.lancebridge.embed.StoredVectors.Stored> storedVectors(java.util.Collection<String> ids, boolean withValues) {
        Map<String, dev.lancebridge.embed.StoredVectors.Stored> found =
                scans.storedVectors(writer.committedVersion(), writer.mayHold(ids), withValues ? writer.layout().columns() : null);
        return withValues ? moved.addTo(found, ids) : found;
    }

    /** Rows in the latest version, optionally only those matching a SQL predicate. */
    public long countRows(String filter) {
        return countRows(filter, null);
    }

    /**
     * Rows in {@code version} (null: the latest), optionally only those matching a SQL predicate.
     *
     * @throws IllegalArgumentException for a predicate that does not parse or an unknown version
     */
    public long countRows(String filter, Long version) {
        return read(version, dataset -> {
            try {
                return filter == null ? dataset.countRows() : dataset.countRows(filter);
            } catch (RuntimeException e) {
                if (filter != null && LanceFailure.of(e) == LanceFailure.INVALID_REQUEST) {
                    throw new IllegalArgumentException("invalid filter '" + filter + "': " + e.getMessage(), e);
                }
                throw e;
            }
        });
    }

    /** The Arrow schema of {@code version} (null: the latest). */
    public org.apache.arrow.vector.types.pojo.Schema schema(Long version) {
        return read(version, Dataset::getSchema);
    }

    /** The latest version's indexes, with the rows each does not cover yet (no walk of the files, unlike {@link #stats}). */
    public List<IndexInfo> indexes() {
        return read(null, TableIndexes::describe);
    }

    /** Reads {@code version} (null: the latest) through the shared handle, or a handle of its own for an older version. */
    private <T> T read(Long version, java.util.function.Function<Dataset, T> read) {
        long committed = writer.committedVersion();
        if (version == null || version == committed) {
            ReadHandles.Shared shared = handles.acquire(committed);
            try {
                return read.apply(shared.dataset);
            } finally {
                shared.release();
            }
        }
        try (Dataset dataset = handles.openVersion(version)) {
            return read.apply(dataset);
        }
    }

    /** What the latest version holds and how its storage looks, read together. */
    public TableStats stats() {
        ReadHandles.Shared shared = handles.acquire(writer.committedVersion());
        try {
            Dataset dataset = shared.dataset;
            return new TableStats(dataset.countRows(), dataset.version(), dataset.getFragments().size(),
                    footprint.versionsOnDisk(), TableIndexes.describe(dataset), footprint.diskBytes(), maintenance.last());
        } finally {
            shared.release();
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
        return scans.scan(writer.committedVersion(), request, consumer);
    }

    /**
     * Opens and plans {@code request} without reading it; the caller reads and closes it. For
     * answers streamed after the response status is sent: every request error shows up here.
     *
     * @throws IllegalArgumentException for a request the caller must fix
     */
    public OpenScan openScan(ScanRequest request) {
        return scans.open(writer.committedVersion(), request);
    }

    /**
     * Hands computed rows (e.g. fused hybrid hits) to {@code consumer} as an Arrow reader typed
     * like this table: {@code id}, {@code columns}, then float {@code scores} columns.
     */
    public <T> T asArrow(List<Map<String, Object>> rows, List<String> columns, List<String> scores, long version,
                         ScanConsumer<T> consumer) {
        return scans.asArrow(writer.schema(), rows, columns, scores, version, consumer);
    }

    /**
     * One maintenance pass: compacts small fragments beside the writer (under its lock only when
     * the compaction keeps losing to its commits, see {@link TableMaintenance}), removes versions
     * older than {@code retention} (tagged versions are kept) under the writer's lock; then,
     * outside the lock so that ingest goes on, builds the vector index once the
     * table is big enough and folds new rows into every index. An index commit that loses a race
     * with the writer is retried. The outcome, failed or not, is kept for {@link #stats()}.
     */
    public MaintenanceStats maintain(java.time.Duration retention) {
        writer.requireWriter();
        return maintenance.maintain(retention);
    }

    /**
     * The table's consumer has acked every event at or below {@code seq}: no redelivery can bring
     * back an event the tombstones at or below it guard against, so they are let go.
     */
    public void ackedThrough(long seq) {
        writer.ackedThrough(seq);
    }

    /** Tombstones held in memory, and in the dataset beside the table (for tests and figures). */
    long[] tombstoneCounts() {
        return writer.tombstoneCounts();
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
        writer.requireWriter();
        return maintenance.reembed(next, embed, progress);
    }

    /** Names {@code version} (the latest when null) {@code name}; through the writer, like every change. */
    public TagInfo tag(String name, Long version) {
        return writer.tag(versions, name, version);
    }

    /** Removes tag {@code name}, so that cleanup may release its version; false when there is no such tag. */
    public boolean untag(String name) {
        return writer.untag(versions, name);
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
        try {
            if (!writer.stopLoading() || !maintenance.stop()) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (writer) { // the lock order: maintenance (held now), then the writer
            handles.close();
            writer.close();
            allocator.close();
        }
    }
}
