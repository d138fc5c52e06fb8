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
 * @param rowId     add Lance's {@code _rowid} column (stable within a version: what a client's hybrid fusion joins on)
 */
public record ScanRequest(float[] vector, String text, long limit, long offset, String filter, List<String> columns,
                          boolean prefilter, Long version, Integer nprobes, Integer ef, Integer refine, boolean exact,
                          boolean rowId) {

    /** The {@code k} rows nearest {@code vector} that match {@code filter} (null: all), filtered first, at the latest version. */
    public static ScanRequest nearest(float[] vector, int k, String filter, List<String> columns) {
        return new ScanRequest(vector, null, k, 0, filter, columns, true, null, null, null, null, false, false);
    }

    /** The {@code k} best rows for a full-text query that match {@code filter}. */
    public static ScanRequest fullText(String text, int k, String filter, List<String> columns) {
        return new ScanRequest(null, text, k, 0, filter, columns, true, null, null, null, null, false, false);
    }

    /** Every row that matches {@code filter} (null: all), at the latest version. */
    public static ScanRequest rows(String filter, List<String> columns) {
        return new ScanRequest(null, null, Long.MAX_VALUE, 0, filter, columns, true, null, null, null, null, false, false);
    }

    /** At most {@code limit} rows after skipping {@code offset}. */
    public ScanRequest paged(long limit, long offset) {
        return new ScanRequest(vector, text, limit, offset, filter, columns, prefilter, version, nprobes, ef, refine, exact, rowId);
    }

    /** Read from {@code version} (null: the latest). */
    public ScanRequest atVersion(Long version) {
        return new ScanRequest(vector, text, limit, offset, filter, columns, prefilter, version, nprobes, ef, refine, exact, rowId);
    }

    /** Filter before the top k is taken (true) or after it. */
    public ScanRequest withPrefilter(boolean prefilter) {
        return new ScanRequest(vector, text, limit, offset, filter, columns, prefilter, version, nprobes, ef, refine, exact, rowId);
    }

    /** Vector-index parameters (null: Lance's defaults) and whether to search exactly instead. */
    public ScanRequest tuned(Integer nprobes, Integer ef, Integer refine, boolean exact) {
        return new ScanRequest(vector, text, limit, offset, filter, columns, prefilter, version, nprobes, ef, refine, exact, rowId);
    }

    /** The same read with or without Lance's {@code _rowid} column. */
    public ScanRequest withRowId(boolean rowId) {
        return new ScanRequest(vector, text, limit, offset, filter, columns, prefilter, version, nprobes, ef, refine, exact, rowId);
    }
}
