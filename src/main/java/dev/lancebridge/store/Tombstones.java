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
import org.lance.ReadOptions;
import org.lance.Session;
import org.lance.WriteParams;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
final class Tombstones implements AutoCloseable {

    private static final Schema SCHEMA = new Schema(List.of(
            new Field(TableSchema.ID, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field(TableSchema.STREAM_SEQ, FieldType.notNullable(new ArrowType.Int(64, true)), null)));

    private final BufferAllocator allocator;
    private final Session session;
    private final Map<String, Long> deletedAt = new HashMap<>();
    private Dataset dataset;
    /** Every event of the table at or below this stream sequence is acked. */
    private long ackFloor;
    /** The floor at the last {@link #maintain}: the dataset holds no tombstone at or below it. */
    private long prunedFloor;

    private Tombstones(BufferAllocator allocator, Session session, Dataset dataset) {
        this.allocator = allocator;
        this.session = session;
        this.dataset = dataset;
    }

    static Tombstones open(Path path, BufferAllocator allocator, Session session) throws java.io.IOException {
        Dataset dataset = Files.exists(path)
                ? Dataset.open(allocator, path.toString(), new ReadOptions.Builder().setSession(session).build())
                : Dataset.create(allocator, path.toString(), SCHEMA, new WriteParams.Builder().build());
        Tombstones tombstones = new Tombstones(allocator, session, dataset);
        tombstones.load();
        return tombstones;
    }

    private void load() throws java.io.IOException {
        try (LanceScanner scanner = dataset.newScan(new ScanOptions.Builder().build());
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                VarCharVector ids = (VarCharVector) root.getVector(TableSchema.ID);
                BigIntVector seqs = (BigIntVector) root.getVector(TableSchema.STREAM_SEQ);
                for (int i = 0; i < root.getRowCount(); i++) {
                    deletedAt.merge(new String(ids.get(i), StandardCharsets.UTF_8), seqs.get(i), Math::max);
                }
            }
        } catch (Exception e) {
            throw new java.io.IOException("could not read tombstones of " + dataset.uri(), e);
        }
    }

    /**
     * True when {@code row} is not newer than the deletion of its id, or when the consumer has
     * acked its event already: then this is a late copy of an event committed before (JetStream
     * redelivered it while the first copy was still in flight), and the tombstone that would
     * bury it may already be let go.
     */
    boolean buries(Row row) {
        Long deleted = deletedAt.get(row.id());
        return row.streamSeq() <= ackFloor || deleted != null && deleted >= row.streamSeq();
    }

    /** Persists the tombstones (one commit) before the caller deletes the rows. */
    void record(List<Deletion> deletions) {
        VectorSchemaRoot batch = VectorSchemaRoot.create(SCHEMA, allocator);
        try {
            VarCharVector ids = (VarCharVector) batch.getVector(TableSchema.ID);
            BigIntVector seqs = (BigIntVector) batch.getVector(TableSchema.STREAM_SEQ);
            ids.allocateNew(deletions.size());
            seqs.allocateNew(deletions.size());
            for (int i = 0; i < deletions.size(); i++) {
                ids.setSafe(i, deletions.get(i).id().getBytes(StandardCharsets.UTF_8));
                seqs.set(i, deletions.get(i).streamSeq());
            }
            batch.setRowCount(deletions.size());
        } catch (RuntimeException e) {
            batch.close();
            throw e;
        }
        Dataset next = Upserts.mergeInsert(dataset, allocator, batch).dataset();
        dataset.close();
        dataset = next;
        deletions.forEach(d -> deletedAt.merge(d.id(), d.streamSeq(), Math::max));
    }

    /**
     * Every event at or below {@code seq} is acked: the tombstones at or below it can guard nothing
     * any more. A floor below the last one means the consumer was replaced (deleted and created
     * again): it replays in stream order, each delete after the inserts before it, so the floor
     * starts over rather than burying the replay.
     */
    void forgetThrough(long seq) {
        if (seq > ackFloor) {
            deletedAt.values().removeIf(deleted -> deleted <= seq);
        }
        ackFloor = seq;
        prunedFloor = Math.min(prunedFloor, seq);
    }

    /** Tombstones in memory (for tests and figures). */
    int inMemory() {
        return deletedAt.size();
    }

    /** Tombstones in the dataset (for tests and figures). */
    long stored() {
        return dataset.countRows();
    }

    /** Removes the stored tombstones {@link #forgetThrough} let go, compacts the dataset and keeps only its latest version. */
    void maintain() {
        if (ackFloor > prunedFloor) {
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
        Dataset next = Dataset.open(allocator, dataset.uri(), new ReadOptions.Builder().setSession(session).build());
        dataset.close();
        dataset = next;
    }

    @Override
    public void close() {
        dataset.close();
    }
}
