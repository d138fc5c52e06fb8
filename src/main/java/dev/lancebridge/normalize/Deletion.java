package dev.lancebridge.normalize;

/**
 * A request to delete the row {@code id}, as of stream sequence {@code streamSeq}.
 *
 * @param position what orders it among the row's versions: its source position (a Debezium table), else {@code streamSeq}
 */
public record Deletion(String id, long streamSeq, long position) implements Normalized {

    /** A deletion ordered by its stream sequence (a json table's). */
    public Deletion(String id, long streamSeq) {
        this(id, streamSeq, streamSeq);
    }
}
