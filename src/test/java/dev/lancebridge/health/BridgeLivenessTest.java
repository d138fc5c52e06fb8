package dev.lancebridge.health;

import dev.lancebridge.ingest.PipelineState;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** When liveness calls a pipeline wedged, and what the ingest group says (the states come from real pipelines in CommitFailureTest). */
class BridgeLivenessTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static PipelineState state(String stoppedBy, String stall, Duration stalledFor) {
        return new PipelineState(stoppedBy == null, stoppedBy, null, null, 0, false, Duration.ZERO, Duration.ZERO, stall, stalledFor);
    }

    @Test
    void aStallIsReportedAtOnceButRestartsOnlyOnceItOutlastsTheTimeout() {
        PipelineState recent = state(null, "no commit for 40 s while 12 events wait", Duration.ofMinutes(1));
        assertNull(BridgeLiveness.verdict(recent, TIMEOUT));
        assertEquals("stalled: no commit for 40 s while 12 events wait", IngestHealth.verdict(recent));
        PipelineState old = state(null, "no commit for 340 s while 12 events wait", Duration.ofMinutes(6));
        assertEquals("stalled for 360 s: no commit for 340 s while 12 events wait", BridgeLiveness.verdict(old, TIMEOUT));
    }

    @Test
    void aQuietStreamIsLiveAndConsuming() {
        PipelineState quiet = state(null, null, Duration.ZERO);
        assertNull(BridgeLiveness.verdict(quiet, TIMEOUT));
        assertNull(IngestHealth.verdict(quiet));
    }

    @Test
    void natsAwayOrTheEmbedderDownIsNotWedgedButIsNotConsuming() {
        PipelineState natsAway = new PipelineState(true, null, "java.io.IOException: no connection", null, 0, false,
                Duration.ZERO, Duration.ofHours(1), null, Duration.ZERO);
        assertNull(BridgeLiveness.verdict(natsAway, TIMEOUT));
        assertEquals("fetch failing: java.io.IOException: no connection", IngestHealth.verdict(natsAway));
        PipelineState embedderDown = new PipelineState(true, null, null, "the embedder: connection refused", 10, false,
                Duration.ZERO, Duration.ofHours(1), null, Duration.ZERO);
        assertNull(BridgeLiveness.verdict(embedderDown, TIMEOUT));
        assertEquals("waiting for the embedder: connection refused", IngestHealth.verdict(embedderDown));
    }

    @Test
    void aFlowThatDiedIsWedgedAtOnce() {
        PipelineState died = state("java.lang.IllegalStateException: boom", null, Duration.ZERO);
        assertEquals("stopped on an unexpected error: java.lang.IllegalStateException: boom", BridgeLiveness.verdict(died, TIMEOUT));
        assertEquals("stopped on an unexpected error: java.lang.IllegalStateException: boom", IngestHealth.verdict(died));
    }
}
