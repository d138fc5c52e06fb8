package dev.lancebridge.health;

import dev.lancebridge.ingest.Pipelines;
import dev.lancebridge.store.LanceStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/**
 * Ready when search can be served: start-up is done and every declared table is open in the store. NATS and the
 * consumers do not decide it (they are the {@code ingest} group, {@link IngestHealth}), so that
 * with one replica a NATS outage does not take search out of the Service.
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
        boolean open = pipelines.started();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("search");
        if (pipelines.searchReplica()) {
            response.withData("store", "read by a search replica: " + store.location());
        } else {
            response.withData("store", store.writable() ? "writable" : "not writable (search goes on; ingest waits): " + store.location());
        }
        Map<String, String> broken = pipelines.broken();
        for (String table : pipelines.tables()) {
            if (broken.containsKey(table)) {
                // out of service until rolled back; the other tables still serve, so traffic stays
                response.withData("table." + table, "broken: " + broken.get(table));
                continue;
            }
            boolean serving = store.table(table).isPresent();
            open &= serving;
            response.withData("table." + table, serving ? "serving" : "not open");
        }
        // a held table serves search and waits for its re-embed: reported, not a reason to stop traffic
        pipelines.held().forEach((table, hold) -> response.withData("table." + table, "serving; ingest held: " + hold.reason()));
        return response.status(open).build();
    }
}
