package dev.lancebridge.store;

/** The store would lose commits or cannot be checked: the bridge refuses to write to it. */
public class UnsafeStoreException extends RuntimeException {

    public UnsafeStoreException(String message) {
        super(message);
    }

    public UnsafeStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
