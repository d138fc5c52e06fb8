package dev.lancebridge.ingest;

/** A re-embed that cannot start: the table already holds its declared model's vectors, or one is running. */
public class ReembedRefusedException extends RuntimeException {

    public ReembedRefusedException(String message) {
        super(message);
    }
}
