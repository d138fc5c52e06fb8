package dev.lancebridge.store;

/**
 * What one commit of a batch did.
 *
 * @param inserted rows new to the table
 * @param updated  rows replaced by a newer version
 * @param deleted  deletions applied (tombstoned ids)
 * @param skipped  rows older than the table's version or tombstone of their id (replays)
 * @param version  the table version after the commit
 */
public record CommitStats(long inserted, long updated, long deleted, long skipped, long version) {
}
