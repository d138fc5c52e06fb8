package dev.lancebridge.health;

import dev.lancebridge.ingest.PipelineState;
import dev.lancebridge.ingest.Pipelines;
import dev.lancebridge.store.LanceStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when NATS is connected, every table's pipeline runs and its last fetch from its
 * consumer worked, and the store directory is writable.
 */
@Readiness
@ApplicationScoped
public class BridgeReadiness implements HealthCheck {

    private final Pipelines pipelines;
    private final LanceStore store;

    public BridgeReadiness(Pipelines pipelines, LanceStore store) {
        this.pipelines = pipelines;
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        boolean nats = pipelines.natsConnected();
        boolean running = pipelines.allRunning();
        boolean writable = store.writable();
        boolean consumers = true;
        HealthCheckResponseBuilder response = HealthCheckResponse.named("bridge")
                .withData("nats", nats ? "connected" : "disconnected")
                .withData("pipelines", running ? "running" : "stopped")
                .withData("store", writable ? "writable" : "not writable: " + store.root());
        for (var table : pipelines.states().entrySet()) {
            PipelineState state = table.getValue();
            boolean fetching = state.running() && state.fetchError() == null;
            consumers &= fetching;
            // an unavailable embedder holds ingest back but not search: still ready, and it says why
            response.withData("table." + table.getKey(), !fetching
                    ? state.running() ? "fetch failing: " + state.fetchError() : "stopped"
                    : state.embedError() != null ? "waiting for the embedder: " + state.embedError() : "consuming");
        }
        // a held table serves search and waits for its re-embed: reported, not a reason to stop traffic
        pipelines.held().forEach((table, hold) -> response.withData("table." + table, "held: " + hold.reason()));
        return response.status(nats && running && consumers && writable).build();
    }
}
