package dev.lancebridge.embed;

/** The embedder could not produce vectors right now: transient for the pipeline (nak and retry). */
public class EmbeddingException extends RuntimeException {

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
