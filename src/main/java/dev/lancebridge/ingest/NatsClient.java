package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.config.DaemonThreads;
import dev.lancebridge.config.Redaction;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The bridge's one NATS connection (reconnecting forever). With no URL configured it connects to
 * a {@link LocalNatsUrl} when there is one (dev mode's local nats-server), else to the default port.
 */
@ApplicationScoped
public class NatsClient {

    public static final String DEFAULT_URL = "nats://127.0.0.1:4222";
    private static final Logger LOG = Logger.getLogger(NatsClient.class);

    private final BridgeConfig config;
    private final Vertx vertx;
    private final Instance<LocalNatsUrl> localServer;
    private volatile Connection connection;
    /** The thread of {@link #connectWhenReachable} while it tries, or null. */
    private volatile Thread connecting;

    public NatsClient(BridgeConfig config, Vertx vertx, Instance<LocalNatsUrl> localServer) {
        this.config = config;
        this.vertx = vertx;
        this.localServer = localServer;
    }

    synchronized void connect() {
        if (connection != null) {
            return;
        }
        Settings settings = settings();
        try {
            open(settings);
        } catch (UnreachableException e) {
            throw new IllegalStateException(e.getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + settings.url(), e);
        }
    }

    /**
     * Connects on a thread of its own, trying again every {@code retry} until NATS answers, then
     * runs {@code connected}: a search replica serves and follows its store without NATS. What is
     * wrong in the settings (an unreadable credentials file) still stops start-up, at once.
     */
    public void connectWhenReachable(Duration retry, Consumer<Connection> connected) {
        Settings settings = settings();
        connecting = DaemonThreads.named("nats-connect").newThread(() -> {
            try {
                keepTrying(settings, retry, connected);
            } catch (InterruptedException closing) {
                // the bridge stops while it waited or connected
            }
        });
        connecting.start();
    }

    private void keepTrying(Settings settings, Duration retry, Consumer<Connection> connected) throws InterruptedException {
        for (boolean told = false; ; told = true) {
            try {
                synchronized (this) {
                    if (connection == null) {
                        open(settings);
                    }
                }
                connected.accept(connection);
                return;
            } catch (UnreachableException e) {
                if (!told) {
                    LOG.warnf("%s; trying again every %s, serving meanwhile", e.getMessage(), retry);
                }
            }
            Thread.sleep(retry.toMillis());
        }
    }

    /** The connection's options, its redacted URL and where its errors go, from the settings (which are checked here). */
    private record Settings(Options options, String url, LoggingErrorListener errors) {
    }

    private Settings settings() {
        String url = config.nats().url().orElseGet(this::defaultUrl);
        LoggingErrorListener errors = new LoggingErrorListener();
        Options.Builder options = Options.builder()
                .server(url)
                .connectionName("lance-event-bridge")
                .maxReconnects(-1)
                .connectionTimeout(config.nats().connectTimeout())
                // a header block jnats cannot parse would silently kill the connection's reader
                .dataPortType(GuardedDataPort.class.getName())
                .errorListener(errors)
                .connectionListener((conn, event) -> LOG.infof("NATS connection: %s", event));
        authenticate(options);
        NatsTls.context(config.nats().tls(), vertx).ifPresent(options::sslContext);
        return new Settings(options.build(), Redaction.secrets(url), errors);
    }

    private void open(Settings settings) throws UnreachableException, InterruptedException {
        try {
            connection = Nats.connect(settings.options());
        } catch (IOException e) {
            // the exception keeps its cause for the stack trace; the message printed first carries no credentials
            throw new UnreachableException("cannot reach NATS at " + settings.url() + " (set BRIDGE_NATS_URL): "
                    + Redaction.secrets(e.getMessage()) + tlsHint(settings.errors().last()), e);
        }
        LOG.infof("connected to NATS at %s", settings.url());
    }

    /** NATS did not answer (or refused the handshake): worth another try later. */
    private static final class UnreachableException extends Exception {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What a failed TLS handshake means for the settings, since jnats's own message names neither. */
    private static String tlsHint(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException tls) {
                return "; TLS handshake failed (" + tls.getMessage() + "): check that the server's certificate chains to"
                        + " bridge.nats.tls.ca (else the JVM's trust store) and, if the server verifies clients, that"
                        + " bridge.nats.tls.cert and .key hold a certificate its CA signed";
            }
        }
        return "";
    }

    private void authenticate(Options.Builder options) {
        BridgeConfig.Nats nats = config.nats();
        nats.credentials().ifPresent(file -> {
            if (!java.nio.file.Files.isReadable(file)) {
                throw new IllegalStateException("bridge.nats.credentials: cannot read " + file);
            }
            options.authHandler(Nats.credentials(file.toString()));
        });
        if (nats.user().isPresent() != nats.password().isPresent()) {
            throw new IllegalStateException("bridge.nats.user and bridge.nats.password go together: set both or neither");
        }
        nats.user().ifPresent(user -> options.userInfo(user, nats.password().get()));
        nats.token().ifPresent(token -> options.token(token.toCharArray()));
        nats.nkey().ifPresent(file -> {
            String seed;
            try {
                seed = java.nio.file.Files.readString(file).trim();
            } catch (IOException e) {
                throw new IllegalStateException("bridge.nats.nkey: cannot read " + file);
            }
            if (!seed.startsWith("SU")) {
                throw new IllegalStateException("bridge.nats.nkey: " + file + " does not hold a user NKey seed (one that starts with SU)");
            }
            options.authHandler(Nats.staticCredentials(null, seed.toCharArray()));
        });
    }

    /** Where NATS is when {@code bridge.nats.url} is unset: a local server in dev mode, else the default port here. */
    private String defaultUrl() {
        return localServer.isResolvable() ? localServer.get().url() : DEFAULT_URL;
    }

    /** The connection, or null before it was made (for what may do without it). */
    public Connection connectionOrNull() {
        return connection;
    }

    public Connection connection() {
        if (connection == null) {
            throw new IllegalStateException("NATS is not connected yet");
        }
        return connection;
    }

    public JetStream jetStream() {
        try {
            return connection().jetStream();
        } catch (IOException e) {
            throw new IllegalStateException("JetStream is not available: " + e.getMessage(), e);
        }
    }

    public JetStreamManagement management() {
        try {
            return connection().jetStreamManagement();
        } catch (IOException e) {
            throw new IllegalStateException("JetStream is not available: " + e.getMessage(), e);
        }
    }

    /** True while the connection is up (not reconnecting). */
    public boolean connected() {
        return connection != null && connection.getStatus() == Connection.Status.CONNECTED;
    }

    void close() {
        Thread trying = connecting;
        if (trying != null) {
            trying.interrupt(); // before the lock: an attempt in progress holds it
        }
        closeConnection();
    }

    private synchronized void closeConnection() {
        try {
            if (connection != null) {
                // the acks of the last commits first: a drain that waits on an idle subscription must not hold them back
                connection.flush(java.time.Duration.ofSeconds(5));
                connection.drain(java.time.Duration.ofSeconds(5)).get();
                connection.close();
            }
        } catch (Exception e) {
            LOG.warnf("NATS connection did not close cleanly: %s", e.getMessage());
        } finally {
            connection = null;
        }
    }

}
