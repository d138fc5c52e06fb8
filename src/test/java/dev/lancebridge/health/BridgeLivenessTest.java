package dev.lancebridge.health;

import dev.lancebridge.ingest.PipelineState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When liveness calls a pipeline wedged (the states themselves come from CommitFailureTest's real pipeline). */
class BridgeLivenessTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static PipelineState state(String stoppedBy, int inHand, Duration sinceProgress) {
        return new PipelineState(stoppedBy == null, stoppedBy, null, null, inHand, sinceProgress);
    }

    @Test
    void progressWithinTheTimeoutIsLiveWithoutAskingTheServer() {
        AtomicInteger asked = new AtomicInteger();
        assertNull(BridgeLiveness.verdict(state(null, 500, Duration.ofMinutes(4)), TIMEOUT, () -> {
            asked.incrementAndGet();
            return 500;
        }));
        assertEquals(0, asked.get(), "no request to NATS while progress is recent");
    }

    @Test
    void noCommitPastTheTimeoutWhileEventsWaitIsWedged() {
        String verdict = BridgeLiveness.verdict(state(null, 500, Duration.ofMinutes(6)), TIMEOUT, () -> 1200);
        assertTrue(verdict.startsWith("stalled: no commit for 360 s while 1200 events wait (500 in hand)"), verdict);
    }

    @Test
    void overdueButNothingWaitingIsLive() {
        // e.g. the last events used up their deliveries and were dead-lettered: idle, not wedged
        assertNull(BridgeLiveness.verdict(state(null, 0, Duration.ofHours(1)), TIMEOUT, () -> 0));
        // NATS cannot say (unreachable): readiness reports that; a restart would not help
        assertNull(BridgeLiveness.verdict(state(null, 0, Duration.ofHours(1)), TIMEOUT, () -> -1));
    }

    @Test
    void aFlowThatDiedIsWedgedAtOnce() {
        String verdict = BridgeLiveness.verdict(state("java.lang.IllegalStateException: boom", 0, Duration.ZERO), TIMEOUT, () -> 0);
        assertEquals("stopped on an unexpected error: java.lang.IllegalStateException: boom", verdict);
    }
}
