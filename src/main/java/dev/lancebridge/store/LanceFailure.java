package dev.lancebridge.store;

/**
 * What a failure of Lance means, decided here and nowhere else. Lance's Java binding (7.0.0)
 * throws plain {@code IllegalArgumentException}s and {@code RuntimeException}s whose messages come
 * from its Rust errors, so the kind is read from the type and, where the type says nothing, from
 * the one phrase each Rust error kind starts with (each pinned by {@code LanceFailureTest}).
 */
enum LanceFailure {
    /** The request is wrong (a filter that does not parse, an unknown column or version): a 400, never retried. */
    INVALID_REQUEST,
    /** Another commit won the race: retry on the newer version. */
    COMMIT_CONFLICT,
    /** Anything else: I/O, a broken dataset, a bug. */
    OTHER;

    /** Lance's {@code Error::InvalidInput}. */
    private static final String INVALID_INPUT = "Invalid user input";
    /** Lance's {@code Error::RetryableCommitConflict}. */
    private static final String RETRYABLE_CONFLICT = "Retryable commit conflict";

    static LanceFailure of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains(RETRYABLE_CONFLICT)) {
                return COMMIT_CONFLICT;
            }
            if (cause instanceof IllegalArgumentException || message.contains(INVALID_INPUT)) {
                return INVALID_REQUEST;
            }
        }
        return OTHER;
    }
}
