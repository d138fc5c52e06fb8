package dev.lancebridge.search;

import java.util.List;

/** An export of rows: matching {@code filter}, the given columns (default all but the vector), paged, at a version or tag. */
public record RowsRequest(String filter, List<String> columns, Long limit, Long offset, Long version, String tag, Boolean withRowId) {
}
