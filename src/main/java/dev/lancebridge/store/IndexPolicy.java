package dev.lancebridge.store;

/**
 * When a table gets its vector index and how it is built.
 *
 * @param vectorMinRows     rows from which a vector index is built (below it, brute force is fast and exact)
 * @param rowsPerPartition  IVF partition size aimed at; a table gets rows / this partitions, at least one
 * @param hnswM             HNSW neighbours per node
 * @param efConstruction    HNSW candidates considered while building
 */
public record IndexPolicy(long vectorMinRows, long rowsPerPartition, int hnswM, int efConstruction) {

    /** The defaults of {@code bridge.store.vector-index.*}. */
    public static final IndexPolicy DEFAULT = new IndexPolicy(50_000, 100_000, 20, 150);

    int partitions(long rows) {
        return (int) Math.max(1, Math.min(4096, rows / rowsPerPartition));
    }
}
