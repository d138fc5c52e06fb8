package dev.lancebridge.embed;

/**
 * The embedder failed on a batch. The batch is naked and redelivered with backoff; an event whose
 * deliveries run out is dead-lettered. See {@link EmbedderUnavailableException} for outages.
 */
public class EmbeddingException extends RuntimeException {

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
