package dev.lancebridge.store;

import java.time.Duration;

/**
 * What orders the versions of a row, and so which of two changes of an id wins.
 *
 * <p>{@link #STREAM}: the stream sequence ({@code stream_seq}); a tombstone is needed only until
 * the consumer acked past the delete, since JetStream delivers a subject's events in order.
 *
 * <p>{@link #source}: the position in the source database's log ({@code source_position}, from a
 * Debezium event). Debezium re-sends older changes after a restart, later in the stream, so the
 * stream sequence says nothing about which change is newer, and a tombstone is kept for
 * {@code tombstoneRetention} instead of until the ack floor passes it.
 */
public record Ordering(String column, Duration tombstoneRetention) {

    public static final Ordering STREAM = new Ordering(TableSchema.STREAM_SEQ, null);

    public static Ordering source(Duration tombstoneRetention) {
        return new Ordering(TableSchema.SOURCE_POSITION, tombstoneRetention);
    }

    public boolean bySource() {
        return column.equals(TableSchema.SOURCE_POSITION);
    }

    /**
     * The SQL condition that a stored row's version is older than {@code position}. A row stored
     * before its table was ordered by source has no position and counts as older than any.
     */
    String olderThan(String qualifier, long position) {
        String stored = qualifier + column;
        return bySource() ? "(" + stored + " IS NULL OR " + stored + " < " + position + ")" : stored + " < " + position;
    }

    /** The merge-insert condition that the incoming ({@code source.}) row is newer than the stored ({@code target.}) one. */
    String incomingIsNewer() {
        String stored = "target." + column;
        String newer = "source." + column + " > " + stored;
        return bySource() ? "(" + stored + " IS NULL OR " + newer + ")" : newer;
    }
}
