package dev.lancebridge.ingest;

import java.time.Duration;

/**
 * One table's pipeline as the health checks see it.
 *
 * @param running       fetching and committing (false once stopped or after an unexpected error)
 * @param stoppedBy     the unexpected error the flow ended on, or null
 * @param fetchError    why the last fetch failed (NATS or the consumer unavailable), or null
 * @param waitingFor    what a batch in hand waits for and why: {@code the embedder: ...} (unavailable) or
 *                      {@code the store: ...} (refusing commits); null when nothing. Waiting is not a stall
 * @param eventsInHand  events fetched and not yet acked or naked
 * @param retrying      a failed embed or commit waits for its retry
 * @param sinceProgress time since the last commit, or since it last had nothing in hand and no failure to retry
 * @param sinceReceived time since a fetch last returned events (or since the pipeline started)
 * @param stall         why the consumer is stuck as of the last watch ({@link Stall}), or null
 * @param stalledFor    how long {@code stall} has held (zero when not stalled)
 */
public record PipelineState(boolean running, String stoppedBy, String fetchError, String waitingFor, int eventsInHand,
                            boolean retrying, Duration sinceProgress, Duration sinceReceived, String stall, Duration stalledFor) {
}
