package dev.lancebridge.normalize;

/** An event that changes nothing and is acked as it is: an empty message (a tombstone some Debezium sinks send). */
public record Ignored(long streamSeq) implements Normalized {
}
