package dev.lancebridge.dev;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.ingest.LocalNatsUrl;
import io.nats.NatsServerRunner;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * Dev mode's nats-server, started when the bridge first asks for it (no {@code BRIDGE_NATS_URL}),
 * its JetStream store under {@code target/dev-nats}; stopped after the bridge's own connection
 * has drained (beans are destroyed after shutdown observers ran).
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class DevNatsServer implements LocalNatsUrl {

    private static final String PORT_PROPERTY = "lance-bridge.dev-nats-port";
    private static final Logger LOG = Logger.getLogger(DevNatsServer.class);

    private final BridgeConfig config;
    private NatsServerRunner server;

    public DevNatsServer(BridgeConfig config) {
        this.config = config;
    }

    @Override
    public synchronized String url() {
        if (server == null) {
            // a live reload restarts the application, not the JVM: a system property keeps the port
            Integer port = Integer.getInteger(PORT_PROPERTY, config.dev().natsPort());
            if (!free(port)) {
                LOG.infof("dev mode: port %d is taken (another nats-server?); the bridge's own starts on a free port", port);
                port = null;
            }
            server = LocalNatsServer.start(Path.of("target", "dev-nats"), port);
            System.setProperty(PORT_PROPERTY, Integer.toString(server.getPort()));
            LOG.infof("dev mode: started a local nats-server at %s (JetStream store in target/dev-nats)", server.getURI());
        }
        return server.getURI();
    }

    @PreDestroy
    synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (Exception e) {
                LOG.warnf("dev nats-server did not stop cleanly: %s", e.getMessage());
            }
            server = null;
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
