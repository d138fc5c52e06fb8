package dev.lancebridge.api;

/**
 * The one error shape of the HTTP API: what went wrong ({@code error}), the particulars
 * ({@code detail}), and {@code code}, the Lance Namespace spec's error code for the status, which
 * Lance's REST namespace clients require and other clients may ignore.
 */
public record ApiError(String error, Object detail, int code) {

    /** The Lance Namespace error codes the bridge answers with (the spec's {@code ErrorCode}). */
    static final int UNSUPPORTED = 0;
    static final int TABLE_NOT_FOUND = 4;
    static final int INVALID_INPUT = 13;
    static final int CONCURRENT_MODIFICATION = 14;
    static final int PERMISSION_DENIED = 15;
    static final int UNAUTHENTICATED = 16;
    static final int SERVICE_UNAVAILABLE = 17;
    static final int INTERNAL = 18;
    static final int THROTTLING = 21;

    /** An error with the code its HTTP status means. */
    public static ApiError of(int status, String error, Object detail) {
        return new ApiError(error, detail, codeOf(status));
    }

    static int codeOf(int status) {
        return switch (status) {
            case 400, 413, 414, 431 -> INVALID_INPUT;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> TABLE_NOT_FOUND;
            case 409 -> CONCURRENT_MODIFICATION;
            case 429 -> THROTTLING;
            case 503 -> SERVICE_UNAVAILABLE;
            default -> status >= 500 ? INTERNAL : UNSUPPORTED;
        };
    }
}
