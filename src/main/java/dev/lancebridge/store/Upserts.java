package dev.lancebridge.store;

import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.lance.Dataset;
import org.lance.Session;
import org.lance.WriteParams;
import org.lance.merge.MergeInsertParams;
import org.lance.merge.MergeInsertResult;

import java.util.List;

/**
 * The one guarded upsert every bridge dataset uses: rows match on {@code id}, a match is replaced
 * only by a newer version ({@link Ordering}), so a redelivered, replayed or re-sent older event
 * changes nothing.
 */
final class Upserts {

    private Upserts() {
    }

    /**
     * Merges {@code batch} (already deduplicated by id) into {@code dataset}. Takes ownership of
     * {@code batch}. Returns the result whose {@code dataset()} is the new version; the caller
     * closes the old handle.
     */
    static MergeInsertResult mergeInsert(Dataset dataset, BufferAllocator allocator, VectorSchemaRoot batch, Ordering ordering) {
        MergeInsertParams params = new MergeInsertParams(java.util.List.of(TableSchema.ID))
                .withMatchedUpdateIf(ordering.incomingIsNewer())
                .withNotMatched(MergeInsertParams.WhenNotMatched.InsertAll);
        try (SingleBatchReader reader = new SingleBatchReader(allocator, batch);
             ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
            Data.exportArrayStream(allocator, reader, stream);
            return dataset.mergeInsert(params, stream);
        } catch (java.io.IOException e) {
            throw new StoreException("could not hand the batch to Lance: " + e.getMessage(), e);
        }
    }

    /**
     * Appends {@code batch} (rows whose ids {@code dataset} cannot hold, see {@link KnownIds}) as
     * one new version: no join. Takes ownership of {@code batch}. Returns the new version; the
     * caller closes the old handle.
     */
    static Dataset append(Dataset dataset, StoreLocation store, BufferAllocator allocator, Session session, VectorSchemaRoot batch) {
        try (SingleBatchReader reader = new SingleBatchReader(allocator, batch)) {
            return Dataset.write().allocator(allocator).reader(reader).uri(dataset.uri())
                    .mode(WriteParams.WriteMode.APPEND).storageOptions(store.options()).session(session).execute();
        } catch (java.io.IOException e) {
            throw new StoreException("could not hand the batch to Lance: " + e.getMessage(), e);
        }
    }

    /** A SQL string literal, quotes doubled. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * The disjunction of {@code terms}, nested as a balanced tree: a flat chain of a few hundred
     * ORs overflows a native thread's stack while Lance plans it (the JVM dies with SIGSEGV; a
     * batch of 500 deletes did), a balanced one is log2(n) deep.
     */
    static String anyOf(List<String> terms) {
        return anyOf(terms, 0, terms.size());
    }

    private static String anyOf(List<String> terms, int from, int to) {
        if (to - from == 1) {
            return terms.get(from);
        }
        int middle = (from + to) >>> 1;
        return "(" + anyOf(terms, from, middle) + " OR " + anyOf(terms, middle, to) + ")";
    }
}
