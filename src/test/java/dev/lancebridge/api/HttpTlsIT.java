package dev.lancebridge.api;

import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.TestCertificates;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import org.junit.jupiter.api.Test;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged bridge serving its API over HTTPS only, through Quarkus's TLS registry, with a
 * certificate made here: a client that trusts the CA searches with its key; plain HTTP is refused;
 * a client that does not trust the CA fails the handshake; the management port stays plain HTTP
 * for the kubelet's probes.
 */
class HttpTlsIT {

    private static final String KEY = "tls-it-key-3c9e5a7b1d2f4068";

    @Test
    void theApiIsServedOverTlsOnly() throws Exception {
        Path dir = Files.createTempDirectory("bridge-http-tls-it");
        NatsServerRunner nats = LocalNatsServer.start(dir.resolve("nats"), null);
        TestCertificates authority = TestCertificates.authority(dir.resolve("certs"), "http");
        Path[] server = authority.server("bridge-http");
        int tlsPort = freePort();
        try (BridgeProcess bridge = BridgeProcess.start(nats.getURI(), dir.resolve("store"), Path.of("target", "http-tls-it-bridge.log"), Map.of(
                "QUARKUS_HTTP_TLS_CONFIGURATION_NAME", "api",
                "QUARKUS_TLS_API_KEY_STORE_PEM_BRIDGE_CERT", server[0].toString(),
                "QUARKUS_TLS_API_KEY_STORE_PEM_BRIDGE_KEY", server[1].toString(),
                "QUARKUS_HTTP_SSL_PORT", Integer.toString(tlsPort),
                "QUARKUS_HTTP_INSECURE_REQUESTS", "disabled",
                "BRIDGE_API_KEY", KEY))) {
            SSLContext trusting = trusting(authority.caFile());
            assertEquals(200, https(trusting, tlsPort, "/tables", KEY).status);
            Answer search = https(trusting, tlsPort, "/tables/events", KEY);
            assertTrue(search.body.contains("\"name\":\"events\""), search.body);
            assertEquals(401, https(trusting, tlsPort, "/tables", null).status, "TLS does not replace the key");

            // plain HTTP on the API port is gone; the management port stays plain for probes
            assertTrue(bridge.status("/tables") != 200, "plain HTTP answered the API");
            assertEquals(200, bridge.status("/q/health/ready"));

            SSLContext stranger = trusting(TestCertificates.authority(dir.resolve("stranger"), "stranger").caFile());
            assertThrows(SSLHandshakeException.class, () -> https(stranger, tlsPort, "/tables", KEY));
        } finally {
            nats.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    private record Answer(int status, String body) {
    }

    private static Answer https(SSLContext context, int port, String path, String key) throws IOException {
        HttpsURLConnection connection = (HttpsURLConnection) new URL("https://localhost:" + port + path).openConnection();
        connection.setSSLSocketFactory(context.getSocketFactory());
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(30_000);
        if (key != null) {
            connection.setRequestProperty("x-api-key", key);
        }
        int status = connection.getResponseCode();
        try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            return new Answer(status, body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
