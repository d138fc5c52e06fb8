package dev.lancebridge.ingest;

import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Planted secrets never leave the bridge: a password in BRIDGE_NATS_URL stays out of the log, when
 * connected and when NATS cannot be reached; an embedding endpoint's API key that the endpoint
 * repeats in its error text stays out of the log, the dead letter and the HTTP answer.
 */
class SecretsInLogsIT {

    private static final String SECRET = "planted-s3cret-9f2c";

    @Test
    void aNatsUrlsPasswordNeverReachesTheLog() throws Exception {
        Path dir = Files.createTempDirectory("bridge-secrets-it");
        NatsServerRunner server = LocalNatsServer.start(dir.resolve("nats"), null, "--user", "bridge", "--pass", SECRET);
        Path log = Path.of("target", "secrets-it-bridge.log");
        Files.deleteIfExists(log);
        try {
            String url = "nats://bridge:" + SECRET + "@127.0.0.1:" + server.getPort();
            try (BridgeProcess bridge = BridgeProcess.start(url, dir.resolve("store"), log)) {
                assertEquals(200, bridge.status("/tables/events"));
            }
            String connected = Files.readString(log);
            assertTrue(connected.contains("connected to NATS at nats://bridge:***@127.0.0.1:" + server.getPort()), connected);
            assertFalse(connected.contains(SECRET), "the password is in the log");
            assertTrue(connected.contains("The API is open"), "no key configured: a production start says so");

            // NATS unreachable: the start-up failure names the URL, without its password
            server.close();
            Process failing = BridgeProcess.command(url, dir.resolve("store"), log, java.util.Map.of("BRIDGE_NATS_CONNECT_TIMEOUT", "2s"))
                    .start();
            assertTrue(failing.waitFor(90, TimeUnit.SECONDS), "start-up gives up");
            assertNotEquals(0, failing.exitValue());
            String failed = Files.readString(log);
            assertTrue(failed.contains("cannot reach NATS at nats://bridge:***@127.0.0.1:" + server.getPort()), failed);
            assertFalse(failed.contains(SECRET), "the password is in the log");
        } finally {
            server.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    @Test
    void anEmbeddingEndpointThatRepeatsTheKeyLeaksItNowhere() throws Exception {
        String apiKey = "sk-planted-embedder-key-5e8a1c";
        Path dir = Files.createTempDirectory("bridge-secrets-embedder-it");
        NatsServerRunner server = LocalNatsServer.start(dir.resolve("nats"), null);
        dev.lancebridge.support.FakeEmbeddingServer endpoint = new dev.lancebridge.support.FakeEmbeddingServer();
        String endpointUrl = endpoint.start().get("bridge.embedders.remote.base-url");
        Path log = Path.of("target", "secrets-embedder-it-bridge.log");
        Files.deleteIfExists(log);
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), dir.resolve("store"), log, java.util.Map.of(
                "BRIDGE_EMBEDDERS_REMOTE_PROVIDER", "openai", "BRIDGE_EMBEDDERS_REMOTE_BASE_URL", endpointUrl,
                "BRIDGE_EMBEDDERS_REMOTE_MODEL", "fake-embed", "BRIDGE_EMBEDDERS_REMOTE_API_KEY", apiKey,
                "BRIDGE_EMBEDDERS_REMOTE_DIMENSION", String.valueOf(dev.lancebridge.support.FakeEmbeddingServer.DIMENSION),
                "BRIDGE_TABLES_EVENTS_EMBEDDER", "remote"));
             io.nats.client.Connection nats = io.nats.client.Nats.connect(server.getURI())) {
            // in one batch with events that embed, so that the poison one is isolated and dead-lettered with the endpoint's text
            var js = nats.jetStream();
            var acks = java.util.List.of(
                    js.publishAsync("events.secret", "{\"id\": \"g-1\", \"text\": \"a fine text\"}".getBytes()),
                    js.publishAsync("events.secret", "{\"id\": \"p-1\", \"text\": \"a poison text\"}".getBytes()),
                    js.publishAsync("events.secret", "{\"id\": \"g-2\", \"text\": \"another fine text\"}".getBytes()));
            for (var ack : acks) {
                ack.get(10, TimeUnit.SECONDS);
            }
            var jsm = nats.jetStreamManagement();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> jsm.getStreamInfo("BRIDGE_DLQ").getStreamState().getMsgCount() == 1);
            var letter = jsm.getLastMessage("BRIDGE_DLQ", "bridge.dlq.events");
            String detail = letter.getHeaders().getFirst(DeadLetters.ERROR_DETAIL);
            assertTrue(detail.contains("input rejected: a poison text (request sent with Bearer ***)"), detail);
            letter.getHeaders().entrySet().forEach(header -> assertFalse(header.getValue().toString().contains("planted"), header.toString()));

            var answer = bridge.exchange("POST", "/tables/events/search", "{\"query\": \"poison\"}", java.util.Map.of());
            assertEquals(400, answer.status(), answer.body());
            assertTrue(answer.body().contains("query not embedded") && answer.body().contains("Bearer ***"), answer.body());
            assertFalse(answer.body().contains("planted"), answer.body());
        } finally {
            endpoint.stop();
            server.close();
            TestFiles.deleteRecursively(dir);
        }
        String written = Files.readString(log);
        assertTrue(written.contains("input rejected: a poison text"), "the failure is logged");
        assertFalse(written.contains("planted-embedder-key"), "the endpoint's API key is in the log");
    }
}
