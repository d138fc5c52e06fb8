package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The TLS context of the NATS connection from {@code bridge.nats.tls} PEM files, read with Vert.x's
 * PEM support (the same the HTTP server's TLS uses). Every file problem is a start-up error naming
 * the setting and the file.
 */
final class NatsTls {

    private NatsTls() {
    }

    /** The context, or empty when no TLS file is configured (then the URL's scheme decides). */
    static Optional<SSLContext> context(BridgeConfig.NatsTls tls, Vertx vertx) {
        if (tls.ca().isEmpty() && tls.cert().isEmpty() && tls.key().isEmpty()) {
            return Optional.empty();
        }
        if (tls.cert().isPresent() != tls.key().isPresent()) {
            throw new IllegalStateException("bridge.nats.tls.cert and bridge.nats.tls.key go together: set both or neither");
        }
        tls.cert().ifPresent(cert -> readable("bridge.nats.tls.cert", cert));
        tls.key().ifPresent(key -> readable("bridge.nats.tls.key", key));
        tls.ca().ifPresent(ca -> readable("bridge.nats.tls.ca", ca));
        KeyManager[] keys = null;
        TrustManager[] trust = null;
        if (tls.cert().isPresent()) {
            try {
                keys = new PemKeyCertOptions().setCertPath(tls.cert().get().toString()).setKeyPath(tls.key().get().toString())
                        .getKeyManagerFactory(vertx).getKeyManagers();
            } catch (Exception e) {
                throw new IllegalStateException("bridge.nats.tls.cert/key: cannot read the client certificate " + tls.cert().get()
                        + " and key " + tls.key().get() + " as PEM: " + e.getMessage(), e);
            }
        }
        if (tls.ca().isPresent()) {
            try {
                trust = new PemTrustOptions().addCertPath(tls.ca().get().toString()).getTrustManagerFactory(vertx).getTrustManagers();
            } catch (Exception e) {
                throw new IllegalStateException("bridge.nats.tls.ca: cannot read " + tls.ca().get() + " as PEM certificates: "
                        + e.getMessage(), e);
            }
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null); // null: the JVM's default for what is not configured
            return Optional.of(context);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up TLS to NATS: " + e.getMessage(), e);
        }
    }

    private static void readable(String setting, Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalStateException(setting + ": cannot read " + file);
        }
    }
}
