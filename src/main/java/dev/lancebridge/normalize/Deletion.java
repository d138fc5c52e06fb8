package dev.lancebridge.normalize;

/** A request to delete the row {@code id}, as of stream sequence {@code streamSeq}. */
public record Deletion(String id, long streamSeq) implements Normalized {
}
