package dev.lancebridge.config;

/** What a bridge replica does ({@code bridge.role}). */
public enum Role {
    /** Consumes the tables' streams and commits: one writer per table. */
    WRITER,
    /**
     * Serves the API from the store, following the versions the writer commits: no consumer, no
     * commit. LanceDB clients' writes are still published to the tables' streams, for the writer.
     */
    SEARCH
}
