package dev.lancebridge.search;

import java.util.List;
import java.util.Map;

/** The hits of a search, nearest first; each maps {@code id}, {@code _distance} and the row's columns. */
public record SearchResult(List<Map<String, Object>> hits) {
}
