package dev.lancebridge.store;

import java.time.Instant;

/** One committed version of a table. */
public record VersionInfo(long version, Instant committedAt) {
}
