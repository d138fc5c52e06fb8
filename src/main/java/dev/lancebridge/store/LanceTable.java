package dev.lancebridge.store;

import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Row;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.ReadOptions;
import org.lance.Session;
import org.lance.WriteParams;
import org.lance.index.DistanceType;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.Query;
import org.lance.ipc.ScanOptions;
import org.lance.merge.MergeInsertStats;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One LanceDB table ({@code <store>/<name>.lance}) and its single writer. Every commit goes
 * through {@link #commit}, serialised by this object's lock; reads open the latest version and
 * never block the writer.
 */
public final class LanceTable implements AutoCloseable {

    /** The cosine distance column of a vector search. */
    public static final String DISTANCE = "_distance";

    private final String name;
    private final Path path;
    private final BufferAllocator allocator;
    private final Session session;
    private final Schema schema;
    private final int dimension;
    private final String model;
    private final Tombstones tombstones;
    private Dataset latest;

    private LanceTable(String name, Path path, BufferAllocator allocator, Session session, Schema schema,
                       int dimension, String model, Tombstones tombstones, Dataset latest) {
        this.name = name;
        this.path = path;
        this.allocator = allocator;
        this.session = session;
        this.schema = schema;
        this.dimension = dimension;
        this.model = model;
        this.tombstones = tombstones;
        this.latest = latest;
    }

    /** Opens {@code <storeDir>/<name>.lance}, creating an empty table if there is none. */
    static LanceTable open(String name, Path storeDir, BufferAllocator allocator, Session session,
                           int dimension, String model) {
        Path path = storeDir.resolve(name + ".lance");
        Schema schema = TableSchema.of(dimension, model);
        Tombstones tombstones = null;
        try {
            Files.createDirectories(storeDir.resolve("_bridge"));
            tombstones = Tombstones.open(storeDir.resolve("_bridge").resolve(name + ".tombstones.lance"), allocator, session);
            Dataset dataset = Files.exists(path)
                    ? Dataset.open(allocator, path.toString(), readOptions(session))
                    : Dataset.create(allocator, path.toString(), schema, new WriteParams.Builder().build());
            return new LanceTable(name, path, allocator, session, schema, dimension, model, tombstones, dataset);
        } catch (Exception e) {
            if (tombstones != null) {
                tombstones.close();
            }
            throw new StoreException("could not open table '" + name + "' at " + path + ": " + e.getMessage(), e);
        }
    }

    private static ReadOptions readOptions(Session session) {
        return new ReadOptions.Builder().setSession(session).build();
    }

    public String name() {
        return name;
    }

    public Path path() {
        return path;
    }

    public int dimension() {
        return dimension;
    }

    public String model() {
        return model;
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
                latest.delete(deletions.stream()
                        .map(d -> "(" + TableSchema.ID + " = " + Upserts.literal(d.id()) + " AND "
                                + TableSchema.STREAM_SEQ + " < " + d.streamSeq() + ")")
                        .collect(Collectors.joining(" OR ")));
            }
            long inserted = 0;
            long updated = 0;
            if (!rows.isEmpty()) {
                MergeInsertStats stats = replace(Upserts.mergeInsert(latest, allocator, RowBatch.of(rows, schema, dimension, allocator)));
                inserted = stats.numInsertedRows();
                updated = stats.numUpdatedRows();
                skipped += rows.size() - inserted - updated;
            }
            return new CommitStats(inserted, updated, deletions.size(), skipped, latest.version());
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StoreException("commit to table '" + name + "' failed: " + e.getMessage(), e);
        }
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

    /** Rows in the latest version, optionally only those matching a SQL predicate. */
    public long countRows(String filter) {
        try (Dataset dataset = openLatest()) {
            return filter == null ? dataset.countRows() : dataset.countRows(filter);
        }
    }

    /** Row count and version of the latest version, read together. */
    public TableStats stats() {
        try (Dataset dataset = openLatest()) {
            return new TableStats(dataset.countRows(), dataset.version());
        }
    }

    /**
     * The {@code k} rows nearest to {@code vector} by cosine distance, filtered before the top-k
     * is taken; each hit maps column names to values in {@code columns} order, then {@code _distance}.
     */
    public List<Map<String, Object>> nearest(float[] vector, int k, String filter, List<String> columns) {
        Query query = new Query.Builder()
                .setColumn(TableSchema.VECTOR)
                .setKey(vector)
                .setK(k)
                .setDistanceType(DistanceType.Cosine)
                .build();
        ScanOptions.Builder options = new ScanOptions.Builder()
                .nearest(query)
                .prefilter(true)
                .columns(withDistance(columns));
        if (filter != null) {
            options.filter(filter);
        }
        try (Dataset dataset = openLatest();
             LanceScanner scanner = dataset.newScan(options.build());
             ArrowReader reader = scanner.scanBatches()) {
            List<Map<String, Object>> hits = new ArrayList<>(k);
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                for (int i = 0; i < root.getRowCount(); i++) {
                    Map<String, Object> hit = new LinkedHashMap<>();
                    for (FieldVector column : root.getFieldVectors()) {
                        hit.put(column.getName(), value(column, i));
                    }
                    hits.add(hit);
                }
            }
            return hits;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static List<String> withDistance(List<String> columns) {
        List<String> projected = new ArrayList<>(columns);
        projected.add(DISTANCE);
        return projected;
    }

    private static Object value(FieldVector column, int index) {
        if (column.isNull(index)) {
            return null;
        }
        if (column instanceof VarCharVector text) {
            return new String(text.get(index), StandardCharsets.UTF_8);
        }
        if (column instanceof TimeStampMilliTZVector time) {
            return Instant.ofEpochMilli(time.get(index)).toString();
        }
        return column.getObject(index);
    }

    private Dataset openLatest() {
        return Dataset.open(allocator, path.toString(), readOptions(session));
    }

    @Override
    public synchronized void close() {
        latest.close();
        tombstones.close();
        allocator.close();
    }
}
