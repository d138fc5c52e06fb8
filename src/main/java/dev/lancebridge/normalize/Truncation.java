package dev.lancebridge.normalize;

/** Every row of the table at or before source position {@code position} is gone (a Debezium {@code t}). */
public record Truncation(long streamSeq, long position) implements Normalized {
}
