package dev.lancebridge.search;

import java.util.List;

/**
 * A search: a text {@code query} (embedded with the table's model) or a ready {@code vector};
 * {@code k} nearest rows (default 10), optionally only rows matching the SQL {@code filter}.
 */
public record SearchRequest(String query, List<Float> vector, Integer k, String filter) {
}
