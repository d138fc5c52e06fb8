package dev.lancebridge.ingest;

/**
 * A NATS server this process runs for itself, used when {@code bridge.nats.url} is unset: dev
 * mode's (a bean of {@code dev/}, which exists only in dev builds).
 */
public interface LocalNatsUrl {

    /** The server's URL, starting it on first use. */
    String url();
}
