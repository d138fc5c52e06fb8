package dev.lancebridge.store;

import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Row;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.Session;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers deleted ids and the stream sequence of their deletion, beside the table (never in it:
 * LanceDB users must not see bridge rows). A row older than its tombstone is never written again,
 * so a redelivered older insert cannot resurrect a deleted row. Kept in memory, persisted in a
 * small Lance dataset under {@code <store>/_bridge/}.
 *
 * <p>Bounded: a tombstone is needed only while an older event of its id may still be delivered,
 * that is until the table's consumer has acked every event up to the deletion. Once its ack floor
 * passes a tombstone ({@link #forgetThrough}), the tombstone leaves memory at once and the dataset
 * at the next maintenance pass ({@link #maintain}), which also compacts the dataset and drops its
 * old versions. A full replay (a new consumer) delivers in stream order, each delete after the
 * inserts before it, and records the tombstones again as it goes.
 *
 * <p>Acked is not the same as delivered once: a copy of an event may still be in flight when the
 * first copy's ack moves the floor past the deletion, so everything at or below the ack floor is
 * buried as a late copy of an event already committed.
 *
 * <p>A table ordered by source position ({@link Ordering#source}, Debezium) compares positions,
 * not stream sequences, and keeps a tombstone for the table's retention instead: Debezium re-sends
 * older changes after a restart as new events, past any ack floor. A truncate is a tombstone of
 * the empty id (no row has it) that buries every row at or before its position, and is kept.
 */
final class Tombstones implements AutoCloseable {

    private static final String RECORDED_AT = "recorded_at";
    /** The id of a truncate's tombstone: no row has the empty id. */
    private static final String WHOLE_TABLE = "";

    private final BufferAllocator allocator;
    private final Session session;
    private final StoreLocation store;
    private final Ordering ordering;
    private final Schema schema;
    /** Per deleted id, the position of its deletion and when it was recorded (epoch ms; 0 for a stream-ordered table). */
    private final Map<String, Tombstone> deleted = new HashMap<>();
    /** Every row at or before this position was truncated away (a source-ordered table's). */
    private long truncatedThrough = Long.MIN_VALUE;
    private Dataset dataset;
    /** Every event of the table at or below this stream sequence is acked. */
    private long ackFloor;
    /** The floor at the last {@link #maintain}: the dataset holds no tombstone at or below it. */
    private long prunedFloor;

    private record Tombstone(long position, long recordedAt) {
        Tombstone newer(Tombstone other) {
            return other.position > position ? other : this;
        }
    }

    private Tombstones(BufferAllocator allocator, Session session, StoreLocation store, Ordering ordering, Dataset dataset) {
        this.store = store;
        this.allocator = allocator;
        this.session = session;
        this.ordering = ordering;
        this.schema = schema(ordering);
        this.dataset = dataset;
    }

    /** The tombstones of table {@code name}, in the store's {@code _bridge/}: a table ordered by source keeps them in a dataset of their own. */
    static Tombstones open(StoreLocation store, String name, Ordering ordering, BufferAllocator allocator, Session session)
            throws java.io.IOException {
        String uri = store.uri("_bridge/" + name + (ordering.bySource() ? ".source-tombstones.lance" : ".tombstones.lance"));
        Dataset dataset = store.openOrCreate(allocator, uri, session, schema(ordering));
        Tombstones tombstones = new Tombstones(allocator, session, store, ordering, dataset);
        tombstones.load();
        return tombstones;
    }

    private static Schema schema(Ordering ordering) {
        List<Field> fields = new java.util.ArrayList<>(List.of(
                new Field(TableSchema.ID, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field(ordering.column(), FieldType.notNullable(new ArrowType.Int(64, true)), null)));
        if (ordering.bySource()) {
            fields.add(new Field(RECORDED_AT, FieldType.notNullable(new ArrowType.Int(64, true)), null));
        }
        return new Schema(fields);
    }

    private void load() throws java.io.IOException {
        try (LanceScanner scanner = dataset.newScan(new ScanOptions.Builder().build());
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                VarCharVector ids = (VarCharVector) root.getVector(TableSchema.ID);
                BigIntVector positions = (BigIntVector) root.getVector(ordering.column());
                BigIntVector recorded = (BigIntVector) root.getVector(RECORDED_AT);
                for (int i = 0; i < root.getRowCount(); i++) {
                    remember(new String(ids.get(i), StandardCharsets.UTF_8),
                            new Tombstone(positions.get(i), recorded == null ? 0 : recorded.get(i)));
                }
            }
        } catch (Exception e) {
            throw new java.io.IOException("could not read tombstones of " + dataset.uri(), e);
        }
    }

    private void remember(String id, Tombstone tombstone) {
        if (id.equals(WHOLE_TABLE)) {
            truncatedThrough = Math.max(truncatedThrough, tombstone.position);
        } else {
            deleted.merge(id, tombstone, Tombstone::newer);
        }
    }

    /**
     * True when {@code row} is not newer than the deletion of its id (or a truncate), or when the
     * consumer has acked its event already: then this is a late copy of an event committed before
     * (JetStream redelivered it while the first copy was still in flight), and the tombstone that
     * would bury it may already be let go.
     */
    boolean buries(Row row) {
        Tombstone tombstone = deleted.get(row.id());
        return row.streamSeq() <= ackFloor || row.position() <= truncatedThrough
                || tombstone != null && tombstone.position >= row.position();
    }

    /** Persists the tombstones (one commit) before the caller deletes the rows. */
    void record(List<Deletion> deletions) {
        Map<String, Long> positions = new java.util.LinkedHashMap<>();
        deletions.forEach(d -> positions.merge(d.id(), d.position(), Math::max));
        store(positions);
    }

    /** Persists a truncate's tombstone before the caller deletes the rows it covers. */
    void recordTruncation(long position) {
        store(Map.of(WHOLE_TABLE, position));
    }

    private void store(Map<String, Long> positions) {
        long now = System.currentTimeMillis();
        VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator);
        try {
            VarCharVector ids = (VarCharVector) batch.getVector(TableSchema.ID);
            BigIntVector seqs = (BigIntVector) batch.getVector(ordering.column());
            BigIntVector recorded = (BigIntVector) batch.getVector(RECORDED_AT);
            ids.allocateNew(positions.size());
            seqs.allocateNew(positions.size());
            if (recorded != null) {
                recorded.allocateNew(positions.size());
            }
            int i = 0;
            for (Map.Entry<String, Long> entry : positions.entrySet()) {
                ids.setSafe(i, entry.getKey().getBytes(StandardCharsets.UTF_8));
                seqs.set(i, entry.getValue());
                if (recorded != null) {
                    recorded.set(i, now);
                }
                i++;
            }
            batch.setRowCount(positions.size());
        } catch (RuntimeException e) {
            batch.close();
            throw e;
        }
        Dataset next = Upserts.mergeInsert(dataset, allocator, batch, ordering).dataset();
        dataset.close();
        dataset = next;
        positions.forEach((id, position) -> remember(id, new Tombstone(position, now)));
    }

    /**
     * Every event at or below {@code seq} is acked: in a stream-ordered table the tombstones at
     * or below it can guard nothing any more. A floor below the last one means the consumer was
     * replaced (deleted and created again): it replays in stream order, each delete after the
     * inserts before it, so the floor starts over rather than burying the replay.
     */
    void forgetThrough(long seq) {
        if (seq > ackFloor && !ordering.bySource()) {
            deleted.values().removeIf(tombstone -> tombstone.position <= seq);
        }
        ackFloor = seq;
        prunedFloor = Math.min(prunedFloor, seq);
    }

    /** Tombstones in memory (for tests and figures). */
    int inMemory() {
        return deleted.size();
    }

    /** Tombstones in the dataset (for tests and figures). */
    long stored() {
        return dataset.countRows();
    }

    /**
     * Removes the stored tombstones that guard nothing any more (below the ack floor, or past the
     * retention of a source-ordered table), compacts the dataset and keeps only its latest version.
     */
    void maintain() {
        if (ordering.bySource()) {
            long expired = System.currentTimeMillis() - ordering.tombstoneRetention().toMillis();
            if (deleted.values().removeIf(tombstone -> tombstone.recordedAt < expired)) {
                dataset.delete(RECORDED_AT + " < " + expired + " AND " + TableSchema.ID + " <> ''");
                reopen();
            }
        } else if (ackFloor > prunedFloor) {
            dataset.delete(TableSchema.STREAM_SEQ + " <= " + ackFloor);
            prunedFloor = ackFloor;
            reopen();
        }
        dataset.compact();
        reopen();
        dataset.cleanupWithPolicy(org.lance.cleanup.CleanupPolicy.builder()
                .withBeforeTimestampMillis(System.currentTimeMillis())
                .withErrorIfTaggedOldVersions(false)
                .build());
    }

    /** A write made a new version: continue from it. */
    private void reopen() {
        Dataset next = Dataset.open(allocator, dataset.uri(), store.read(session));
        dataset.close();
        dataset = next;
    }

    @Override
    public void close() {
        dataset.close();
    }
}
