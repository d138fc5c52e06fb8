package dev.lancebridge.ingest;

import java.time.Duration;

/**
 * Whether a table's consumer is stuck, from what its pipeline saw and what JetStream holds for
 * it. Two ways to be stuck, both of which a health check that only asked the pipeline would miss:
 * <ul>
 *   <li>the consumer holds events the pipeline does not receive: it has nothing in hand, no
 *       retry outstanding, and has received nothing for longer than ack-wait, yet JetStream has
 *       events pending or unacked for it (a client that stopped reading, a lost subscription);</li>
 *   <li>no commit for longer than ack-wait while events wait (a hung or endlessly failing writer).
 *       Waiting for an unavailable embedder is not a stall: it is reported as such.</li>
 * </ul>
 * Ack-wait bounds how long an event may legitimately wait unseen (a crashed predecessor's batch,
 * a nak's delay), so a watch every half ack-wait reports a stall within 2× ack-wait.
 */
final class Stall {

    /** What JetStream holds for the consumer: not yet delivered, delivered and unacked, and the first unacked stream sequence. */
    record Held(long pending, long ackPending, long firstUnackedSeq) {
        long waiting() {
            return pending + ackPending;
        }
    }

    private Stall() {
    }

    /** Null when the consumer is not stuck, else why. */
    static String verdict(PipelineState state, Duration ackWait, Held held) {
        if (held.waiting() == 0 || state.waitingFor() != null) {
            return null;
        }
        if (state.eventsInHand() == 0 && !state.retrying() && state.sinceReceived().compareTo(ackWait) > 0) {
            return "JetStream holds " + held.waiting() + " events (" + held.ackPending() + " delivered, unacked; first at stream seq "
                    + held.firstUnackedSeq() + ") that the pipeline has not received for " + state.sinceReceived().toSeconds() + " s";
        }
        if (state.sinceProgress().compareTo(ackWait) > 0) {
            return "no commit for " + state.sinceProgress().toSeconds() + " s while " + held.waiting() + " events wait ("
                    + state.eventsInHand() + " in hand; first unacked at stream seq " + held.firstUnackedSeq() + ")";
        }
        return null;
    }
}
