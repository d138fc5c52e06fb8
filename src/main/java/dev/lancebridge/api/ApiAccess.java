package dev.lancebridge.api;

import dev.lancebridge.config.BridgeConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** The API keys of this run, read once from {@code bridge.api}; says so at start-up when there are none. */
@ApplicationScoped
public class ApiAccess {

    private static final Logger LOG = Logger.getLogger(ApiAccess.class);

    private final ApiKeys keys;

    public ApiAccess(BridgeConfig config) {
        this.keys = ApiKeys.of(config.api());
    }

    public ApiKeys keys() {
        return keys;
    }

    void warnWhenOpen(@Observes StartupEvent started) {
        if (keys.open() && LaunchMode.current() == LaunchMode.NORMAL) {
            LOG.warn("The API is open: anyone who reaches its port may search, export and run maintenance."
                    + " Set BRIDGE_API_KEY (or bridge.api.keys.<name>.key and .role) to require a key");
        }
    }
}
