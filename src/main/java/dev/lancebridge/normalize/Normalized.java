package dev.lancebridge.normalize;

/** What one event becomes: a row to upsert, a deletion, or a rejection bound for the dead letters. */
public sealed interface Normalized permits Row, Deletion, Rejection {

    /** The stream sequence of the event this came from. */
    long streamSeq();
}
