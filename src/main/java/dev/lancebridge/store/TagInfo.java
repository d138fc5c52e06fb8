package dev.lancebridge.store;

/** A named table version: time travel by name, and kept by version cleanup. */
public record TagInfo(String name, long version) {
}
