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
        RETRIES_EXHAUSTED
    }
}
