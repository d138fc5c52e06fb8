package dev.lancebridge.health;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.ingest.PipelineState;
import dev.lancebridge.ingest.Pipelines;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;

/**
 * Live unless a table's pipeline is wedged where a restart is the remedy: its flow ended on an
 * unexpected error, or its consumer has been stalled (see the ingest health group) for
 * {@code bridge.health.stall-timeout}. A quiet stream, an unreachable NATS server or an
 * unavailable embedder are not wedged: a restart would not bring them back.
 */
@Liveness
@ApplicationScoped
public class BridgeLiveness implements HealthCheck {

    private final Pipelines pipelines;
    private final Duration stallTimeout;

    public BridgeLiveness(Pipelines pipelines, BridgeConfig config) {
        this.pipelines = pipelines;
        this.stallTimeout = config.health().stallTimeout();
    }

    @Override
    public HealthCheckResponse call() {
        boolean live = true;
        HealthCheckResponseBuilder response = HealthCheckResponse.named("pipelines");
        for (var table : pipelines.states().entrySet()) {
            String verdict = verdict(table.getValue(), stallTimeout);
            live &= verdict == null;
            response.withData("table." + table.getKey(), verdict == null ? "progressing" : verdict);
        }
        return response.status(live).build();
    }

    /** Null when the pipeline is fine (or a restart would not help), else why it is wedged. */
    static String verdict(PipelineState state, Duration stallTimeout) {
        if (state.stoppedBy() != null) {
            return "stopped on an unexpected error: " + state.stoppedBy();
        }
        if (state.stall() != null && state.stalledFor().compareTo(stallTimeout) > 0) {
            return "stalled for " + state.stalledFor().toSeconds() + " s: " + state.stall();
        }
        return null;
    }
}
