package dev.lancebridge.support;

import dev.lancebridge.search.ArrowRows;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.ScanRequest;

import java.util.List;
import java.util.Map;

/** A table's rows read into maps, for tests and figures that look at them one by one. */
public final class TableReads {

    private TableReads() {
    }

    public static List<Map<String, Object>> rows(LanceTable table, ScanRequest request) {
        return table.scan(request, (reader, version) -> ArrowRows.all(reader));
    }

    /** The {@code k} rows nearest to {@code vector} (cosine), filtered before the top k is taken. */
    public static List<Map<String, Object>> nearest(LanceTable table, float[] vector, int k, String filter, List<String> columns) {
        return rows(table, ScanRequest.nearest(vector, k, filter, columns));
    }
}
