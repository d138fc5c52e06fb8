package dev.lancebridge.normalize;

/** An event that cannot become a row: it goes to the dead letters with its reason. */
public record Rejection(Reason reason, String detail, long streamSeq) implements Normalized {

    /** Why an event was rejected; the code travels in the dead letter's {@code Bridge-Error} header. */
    public enum Reason {
        NOT_JSON,
        NOT_AN_OBJECT,
        MISSING_TEXT,
        INVALID_TEXT,
        INVALID_ID,
        MISSING_ID,
        MISSING_FIELD,
        INVALID_FIELD,
        INVALID_VECTOR,
        MISSING_VECTOR,
        UNKNOWN_OP,
        /** A Debezium table's event that is no change event (it has no {@code op}, or its payload is no object). */
        NOT_A_CHANGE,
        /** A Debezium change without the row image its op needs ({@code after}, or {@code before} for a delete). */
        MISSING_IMAGE,
        /** A Debezium change without a source position to order it by. */
        MISSING_POSITION,
        /** A Debezium row left a text field out (an unchanged TOASTed value) that the table does not store. */
        UNAVAILABLE_VALUE,
        /** Its headers are not valid NATS headers (a non-ASCII value, a malformed line): the client cannot read it. */
        UNREADABLE_MESSAGE,
        /** The embedder failed on this event alone (e.g. a remote endpoint's 4xx for its text) while it embedded the rest. */
        EMBEDDING_FAILED,
        /** Committing this event alone failed while the rest of its batch committed. */
        COMMIT_FAILED,
        RETRIES_EXHAUSTED,
        /** JetStream gave up on it (max-deliver) before the bridge could store or dead-letter it. */
        MAX_DELIVERIES,
        /** Something other than the bridge terminated its delivery. */
        MSG_TERMINATED
    }
}
