package dev.lancebridge.ingest;

import java.time.Duration;

/**
 * One table's pipeline as the health checks see it.
 *
 * @param running       fetching and committing (false once stopped or after an unexpected error)
 * @param stoppedBy     the unexpected error the flow ended on, or null
 * @param fetchError    why the last fetch failed (NATS or the consumer unavailable), or null
 * @param embedError    why the embedder is unavailable while a batch waits for it, or null (waiting is not a stall)
 * @param eventsInHand  events fetched and not yet acked or naked
 * @param sinceProgress time since the last commit, or since it last had nothing in hand and no failure to retry
 */
public record PipelineState(boolean running, String stoppedBy, String fetchError, String embedError, int eventsInHand, Duration sinceProgress) {
}
