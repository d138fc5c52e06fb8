package dev.lancebridge.health;

import dev.lancebridge.ingest.Pipelines;
import dev.lancebridge.store.LanceStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when NATS is connected, every table's pipeline runs, and the store directory is writable. */
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
        return HealthCheckResponse.named("bridge")
                .status(nats && running && writable)
                .withData("nats", nats ? "connected" : "disconnected")
                .withData("pipelines", running ? "running" : "stopped")
                .withData("store", writable ? "writable" : "not writable: " + store.root())
                .build();
    }
}
