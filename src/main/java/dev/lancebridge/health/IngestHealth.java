package dev.lancebridge.health;

import dev.lancebridge.ingest.PipelineState;
import dev.lancebridge.ingest.Pipelines;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The health group {@code ingest} ({@code /q/health/group/ingest}): up when NATS is connected
 * and every table's consumer delivers and its pipeline commits. A stalled consumer (events
 * JetStream holds that the pipeline does not receive or commit) is reported here within
 * 2× ack-wait, with the stream sequence it is stuck at.
 */
@HealthGroup("ingest")
@ApplicationScoped
public class IngestHealth implements HealthCheck {

    private final Pipelines pipelines;

    public IngestHealth(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    public HealthCheckResponse call() {
        boolean nats = pipelines.natsConnected();
        if (pipelines.searchReplica()) {
            return HealthCheckResponse.named("ingest").withData("nats", nats ? "connected" : "disconnected")
                    .withData("role", "search replica: no ingest, follows the writer").up().build();
        }
        boolean flowing = pipelines.allRunning();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ingest")
                .withData("nats", nats ? "connected" : "disconnected");
        for (var table : pipelines.states().entrySet()) {
            String verdict = verdict(table.getValue());
            flowing &= verdict == null;
            response.withData("table." + table.getKey(), verdict == null ? "consuming" : verdict);
        }
        pipelines.held().forEach((table, hold) -> response.withData("table." + table, "held: " + hold.reason()));
        pipelines.broken().forEach((table, reason) -> response.withData("table." + table, "broken: " + reason));
        pipelines.lostLeases().forEach((table, reason) -> response.withData("table." + table, reason));
        return response.status(nats && flowing && pipelines.broken().isEmpty()).build();
    }

    /** Null when the table's pipeline consumes, else what holds it back. */
    static String verdict(PipelineState state) {
        if (!state.running()) {
            return state.stoppedBy() == null ? "stopped" : "stopped on an unexpected error: " + state.stoppedBy();
        }
        if (state.fetchError() != null) {
            return "fetch failing: " + state.fetchError();
        }
        if (state.stall() != null) {
            return "stalled: " + state.stall();
        }
        if (state.waitingFor() != null) {
            return "waiting for " + state.waitingFor();
        }
        return null;
    }
}
