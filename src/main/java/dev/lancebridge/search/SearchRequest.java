package dev.lancebridge.search;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

import java.util.List;

/**
 * A search: a text {@code query} (embedded with the table's model for vector search) and/or a
 * ready {@code vector}; the {@code k} best rows (default 10, at most {@code bridge.search.max-k}).
 * The vector binds straight to a {@code float[]}: no boxed floats on the search path.
 *
 * @param filter    SQL predicate rows must match
 * @param columns   columns to return besides {@code id} (default: every column but the vector)
 * @param prefilter apply the filter before the top k is taken (default true)
 * @param mode      {@code vector} (default), {@code fulltext} or {@code hybrid}
 * @param version   answer from this table version (time travel); default the latest
 * @param tag       answer from the version this tag names (instead of {@code version})
 * @param nprobes   IVF partitions to probe (used once a vector index exists; default {@code bridge.search.nprobes})
 * @param ef        HNSW search breadth (used once a vector index exists; default {@code bridge.search.ef})
 * @param refine    re-rank refine × k index candidates by exact distance (default {@code bridge.search.refine})
 * @param exact     brute force even when a vector index exists: exact hits, slower (to check recall)
 * @param withRowId add Lance's {@code _rowid} column (Arrow answers of vector and full-text searches)
 */
public record SearchRequest(String query, @JsonSetter(contentNulls = Nulls.FAIL) float[] vector, Integer k, String filter,
                            List<String> columns, Boolean prefilter, String mode, Long version, String tag, Integer nprobes,
                            Integer ef, Integer refine, Boolean exact, Boolean withRowId) {

    /** A search with the index knobs ({@code prefilter}, {@code nprobes}, {@code ef}, {@code refine}, {@code exact}) at their defaults. */
    public static SearchRequest of(String query, float[] vector, Integer k, String filter, List<String> columns, String mode,
                                   Long version, String tag) {
        return new SearchRequest(query, vector, k, filter, columns, null, mode, version, tag, null, null, null, null, null);
    }

    /** The same search with these index knobs (null: the default). */
    public SearchRequest tuned(Integer nprobes, Integer ef, Integer refine) {
        return new SearchRequest(query, vector, k, filter, columns, prefilter, mode, version, tag, nprobes, ef, refine, exact, withRowId);
    }
}
