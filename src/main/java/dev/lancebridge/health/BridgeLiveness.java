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
import java.util.function.LongSupplier;

/**
 * Live unless a table's pipeline is wedged: its flow ended on an unexpected error, or it has
 * made no commit for {@code bridge.health.stall-timeout} while its consumer holds events for it.
 * A quiet stream and an unreachable NATS server are not wedged (a restart would not help them).
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
            String verdict = verdict(table.getKey(), table.getValue());
            live &= verdict == null;
            response.withData("table." + table.getKey(), verdict == null ? "progressing" : verdict);
        }
        return response.status(live).build();
    }

    /** Null when the pipeline is fine, else why it is wedged. */
    private String verdict(String table, PipelineState state) {
        return verdict(state, stallTimeout, () -> pipelines.pendingAtServer(table));
    }

    /** Null when the pipeline is fine, else why it is wedged; asks the server only when progress is overdue. */
    static String verdict(PipelineState state, Duration stallTimeout, LongSupplier pendingAtServer) {
        if (state.stoppedBy() != null) {
            return "stopped on an unexpected error: " + state.stoppedBy();
        }
        if (state.sinceProgress().compareTo(stallTimeout) <= 0) {
            return null;
        }
        long pending = pendingAtServer.getAsLong();
        return pending > 0 ? "stalled: no commit for " + state.sinceProgress().toSeconds() + " s while " + pending
                + " events wait (" + state.eventsInHand() + " in hand)" : null;
    }
}
