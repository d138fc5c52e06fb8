package dev.lancebridge.store;

/** A store operation failed; the data on disk is unchanged. Transient for the ingest pipeline. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
