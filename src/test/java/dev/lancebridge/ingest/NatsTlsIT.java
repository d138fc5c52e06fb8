package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.TestCertificates;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged bridge against a nats-server that requires TLS and verifies clients
 * ({@code --tlsverify}), with certificates made here: it connects and ingests with the CA, client
 * certificate and key it is given; a wrong CA or a missing client certificate stops start-up with
 * an error that says so. And NKey authentication with a seed file.
 */
class NatsTlsIT {

    private static Path dir;
    private static TestCertificates authority;
    private static Path[] serverCert;
    private static Path[] clientCert;

    @BeforeAll
    static void certificates() throws Exception {
        dir = Files.createTempDirectory("bridge-nats-tls-it");
        authority = TestCertificates.authority(dir.resolve("certs"), "nats");
        serverCert = authority.server("nats-server");
        clientCert = authority.client("bridge");
    }

    @AfterAll
    static void cleanUp() {
        TestFiles.deleteRecursively(dir);
    }

    private static NatsServerRunner tlsServer(String name) {
        return LocalNatsServer.start(dir.resolve(name), null, "--tls", "--tlscert", serverCert[0].toString(),
                "--tlskey", serverCert[1].toString(), "--tlscacert", authority.caFile().toString(), "--tlsverify");
    }

    @Test
    void withItsCaAndClientCertificateTheBridgeConnectsAndIngests() throws Exception {
        try (NatsServerRunner server = tlsServer("nats-ok");
             BridgeProcess bridge = BridgeProcess.start(server.getURI(), dir.resolve("store-ok"), Path.of("target", "nats-tls-it-bridge.log"), Map.of(
                     "BRIDGE_NATS_TLS_CA", authority.caFile().toString(),
                     "BRIDGE_NATS_TLS_CERT", clientCert[0].toString(),
                     "BRIDGE_NATS_TLS_KEY", clientCert[1].toString()));
             Connection producer = Nats.connect(tlsOptions(server.getURI()))) {
            Events.publish(producer.jetStream(), "events.tls", "{\"id\": \"over-tls\", \"text\": \"a message sent over mutual TLS\"}");
            await().atMost(Duration.ofSeconds(60)).until(() -> bridge.text("/tables/events/rows?columns=id").contains("over-tls"));
        }
    }

    @Test
    void aWrongCaStopsStartUpWithAClearError() throws Exception {
        TestCertificates other = TestCertificates.authority(dir.resolve("other"), "other");
        try (NatsServerRunner server = tlsServer("nats-wrong-ca")) {
            String log = failedStart(server.getURI(), "wrong-ca", Map.of(
                    "BRIDGE_NATS_TLS_CA", other.caFile().toString(),
                    "BRIDGE_NATS_TLS_CERT", clientCert[0].toString(),
                    "BRIDGE_NATS_TLS_KEY", clientCert[1].toString()));
            assertTrue(log.contains("cannot reach NATS at " + server.getURI()), log);
            assertTrue(log.contains("TLS handshake failed") && log.contains("bridge.nats.tls.ca"), log);
        }
    }

    @Test
    void withoutAClientCertificateAVerifyingServerRefusesTheBridge() throws Exception {
        try (NatsServerRunner server = tlsServer("nats-no-cert")) {
            String log = failedStart(server.getURI(), "no-cert", Map.of("BRIDGE_NATS_TLS_CA", authority.caFile().toString()));
            assertTrue(log.contains("cannot reach NATS at " + server.getURI()), log);
        }
    }

    @Test
    void aMissingOrUnreadableFileIsNamed() throws Exception {
        try (NatsServerRunner server = tlsServer("nats-missing")) {
            String log = failedStart(server.getURI(), "missing", Map.of("BRIDGE_NATS_TLS_CA", dir.resolve("nope.pem").toString()));
            assertTrue(log.contains("bridge.nats.tls.ca: cannot read " + dir.resolve("nope.pem")), log);
            Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
            log = failedStart(server.getURI(), "garbage", Map.of("BRIDGE_NATS_TLS_CA", garbage.toString()));
            assertTrue(log.contains("bridge.nats.tls.ca: cannot read " + garbage + " as PEM"), log);
        }
    }

    @Test
    void anNKeySeedAuthenticates() throws Exception {
        NKey user = NKey.createUser(null);
        Path config = Files.writeString(dir.resolve("nkey.conf"),
                "authorization { users = [ { nkey: " + new String(user.getPublicKey()) + " } ] }\n");
        Path seed = Files.writeString(dir.resolve("bridge.nk"), new String(user.getSeed()) + "\n");
        try (NatsServerRunner server = LocalNatsServer.start(dir.resolve("nats-nkey"), null, "-c", config.toString())) {
            String refused = failedStart(server.getURI(), "nkey-none", Map.of());
            assertTrue(refused.contains("cannot reach NATS"), refused);
            try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), dir.resolve("store-nkey"), Path.of("target", "nats-nkey-it-bridge.log"),
                    Map.of("BRIDGE_NATS_NKEY", seed.toString()))) {
                assertTrue(bridge.status("/q/health/group/ingest") == 200);
            }
        }
    }

    /** Starts the bridge expecting it to give up; answers its log. */
    private static String failedStart(String url, String name, Map<String, String> env) throws Exception {
        Path log = Path.of("target", "nats-tls-it-" + name + ".log");
        Files.deleteIfExists(log);
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("BRIDGE_NATS_CONNECT_TIMEOUT", "3s");
        Process bridge = BridgeProcess.command(url, dir.resolve("store-" + name), log, all).start();
        assertTrue(bridge.waitFor(90, TimeUnit.SECONDS), "start-up gives up");
        assertNotEquals(0, bridge.exitValue());
        return Files.readString(log);
    }

    /** A producer with the same certificates, through the bridge's own TLS setup. */
    private static Options tlsOptions(String url) {
        Vertx vertx = Vertx.vertx();
        try {
            BridgeConfig.NatsTls tls = new BridgeConfig.NatsTls() {
                public Optional<Path> ca() { return Optional.of(authority.caFile()); }
                public Optional<Path> cert() { return Optional.of(clientCert[0]); }
                public Optional<Path> key() { return Optional.of(clientCert[1]); }
            };
            return Options.builder().server(url).sslContext(NatsTls.context(tls, vertx).orElseThrow()).build();
        } finally {
            vertx.close();
        }
    }
}
