package dev.lancebridge.store;

import java.util.List;

/**
 * One read of a table: a nearest-neighbour search ({@code vector}), a full-text search
 * ({@code text}), or a plain scan (neither), with an SQL filter, a column projection and paging.
 *
 * @param vector    query vector for a cosine k-NN search, or null
 * @param text      full-text query on the text column (BM25), or null
 * @param limit     most rows (k for searches)
 * @param offset    rows to skip (plain scans only)
 * @param filter    SQL predicate, or null
 * @param columns   columns to return, in order ({@code id} is always first)
 * @param prefilter filter before the top-k is taken (true) or after it (false)
 * @param version   table version to read, or null for the latest
 * @param nprobes   IVF partitions to probe once a vector index exists, or null for the default
 * @param ef        HNSW search breadth once a vector index exists, or null for the default
 * @param refine    re-rank {@code refine × limit} index candidates by their exact distance, or null for none
 * @param exact     brute force even when a vector index exists (exact results, to check recall)
 */
public record ScanRequest(float[] vector, String text, long limit, long offset, String filter, List<String> columns,
                          boolean prefilter, Long version, Integer nprobes, Integer ef, Integer refine, boolean exact) {

    public static ScanRequest nearest(float[] vector, int k, String filter, List<String> columns) {
        return new ScanRequest(vector, null, k, 0, filter, columns, true, null, null, null, null, false);
    }
}
