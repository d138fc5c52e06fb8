package dev.lancebridge.embed;

/**
 * The embedder cannot answer right now (a remote endpoint's 5xx, 429, timeout or refused
 * connection): the batch is kept and tried again with backoff, never dead-lettered, because the
 * events are fine and waiting loses nothing.
 */
public class EmbedderUnavailableException extends EmbeddingException {

    public EmbedderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
