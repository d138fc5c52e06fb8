package dev.lancebridge.store;

/** What the latest version of a table holds. */
public record TableStats(long rows, long version) {
}
