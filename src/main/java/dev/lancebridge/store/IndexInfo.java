package dev.lancebridge.store;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One index of a table.
 *
 * @param type          Lance's index type, e.g. {@code IVF_HNSW_SQ}, {@code BTREE}, {@code INVERTED}
 * @param indexedRows   rows the index covers
 * @param unindexedRows rows committed since it was last built or optimised: searched without it
 */
public record IndexInfo(String name, String type, List<String> columns,
                        @JsonProperty("indexed_rows") long indexedRows,
                        @JsonProperty("unindexed_rows") long unindexedRows) {
}
