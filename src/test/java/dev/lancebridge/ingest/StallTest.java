package dev.lancebridge.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a consumer counts as stuck; the watch that feeds it runs against a real nats-server in CommitFailureTest. */
class StallTest {

    private static final Duration ACK_WAIT = Duration.ofSeconds(30);
    private static final Stall.Held WAITING = new Stall.Held(3, 2, 41);
    private static final Stall.Held NOTHING = new Stall.Held(0, 0, 46);

    private static PipelineState state(int inHand, boolean retrying, String embedError, Duration sinceProgress, Duration sinceReceived) {
        return new PipelineState(true, null, null, embedError, inHand, retrying, sinceProgress, sinceReceived, null, Duration.ZERO);
    }

    @Test
    void eventsJetStreamHoldsThatThePipelineDoesNotReceiveAreAStall() {
        String verdict = Stall.verdict(state(0, false, null, Duration.ZERO, Duration.ofSeconds(45)), ACK_WAIT, WAITING);
        assertTrue(verdict.startsWith("JetStream holds 5 events (2 delivered, unacked; first at stream seq 41) that the pipeline "
                + "has not received for 45 s"), verdict);
    }

    @Test
    void withinAckWaitAnUnseenEventMayBeACrashedPredecessorsOrANaksDelay() {
        assertNull(Stall.verdict(state(0, false, null, Duration.ZERO, Duration.ofSeconds(29)), ACK_WAIT, WAITING));
    }

    @Test
    void aQuietStreamIsNoStallHoweverLongItIsQuiet() {
        assertNull(Stall.verdict(state(0, false, null, Duration.ZERO, Duration.ofHours(5)), ACK_WAIT, NOTHING));
    }

    @Test
    void noCommitPastAckWaitWhileEventsWaitIsAStall() {
        String verdict = Stall.verdict(state(500, false, null, Duration.ofSeconds(31), Duration.ofSeconds(31)), ACK_WAIT, WAITING);
        assertTrue(verdict.startsWith("no commit for 31 s while 5 events wait (500 in hand"), verdict);
        // a retry that keeps failing, nothing in hand between its attempts
        String failing = Stall.verdict(state(0, true, null, Duration.ofSeconds(40), Duration.ofSeconds(2)), ACK_WAIT, WAITING);
        assertTrue(failing.startsWith("no commit for 40 s"), failing);
    }

    @Test
    void waitingForAnUnavailableEmbedderIsNotAStall() {
        assertNull(Stall.verdict(state(500, false, "the embedder: connection refused", Duration.ofMinutes(10), Duration.ofMinutes(10)), ACK_WAIT, WAITING));
    }
}
