package dev.lancebridge.normalize;

/**
 * A request to delete the row {@code id}, as of stream sequence {@code streamSeq}.
 *
 * @param position what orders it among the row's versions: its source position (a Debezium table), else {@code streamSeq}
 * @param moved    the row moves to a new key (the first half of a Debezium primary-key change): the
 *                 table keeps its values a while for the second half, whose image may leave some out
 */
public record Deletion(String id, long streamSeq, long position, boolean moved) implements Normalized {

    /** A deletion ordered by its stream sequence (a json table's). */
    public Deletion(String id, long streamSeq) {
        this(id, streamSeq, streamSeq, false);
    }

    public Deletion(String id, long streamSeq, long position) {
        this(id, streamSeq, position, false);
    }
}
