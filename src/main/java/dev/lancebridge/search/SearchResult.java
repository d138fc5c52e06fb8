package dev.lancebridge.search;

import java.util.List;
import java.util.Map;

/**
 * The hits of a search, best first: {@code id}, then {@code _distance} (vector),
 * {@code _score} (full text) or {@code _relevance_score} (hybrid), then the columns.
 *
 * @param mode    the ranking that ran
 * @param version the table version the answer was read from
 */
public record SearchResult(String mode, long version, List<Map<String, Object>> hits) {
}
