package dev.lancebridge.normalize;

/**
 * What one event becomes: a row to upsert, a deletion, a truncation, nothing at all, or a
 * rejection bound for the dead letters.
 */
public sealed interface Normalized permits Row, Deletion, Truncation, Ignored, Rejection {

    /** The stream sequence of the event this came from. */
    long streamSeq();
}
