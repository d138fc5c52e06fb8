package dev.lancebridge.ingest;

import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.FakeEmbeddingServer;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A crash loop uses up an event's deliveries without the bridge ever reaching its own dead-letter
 * code: the packaged bridge is SIGKILLed each time it holds the event (its embedding endpoint
 * hangs), until JetStream gives up on it at max-deliver. The next start dead-letters it from
 * JetStream's advisory instead of losing it.
 */
class MaxDeliveriesIT {

    private static final Duration WAIT = Duration.ofMinutes(2);

    private Path dir;
    private NatsServerRunner server;
    private Connection nats;
    private FakeEmbeddingServer endpoint;
    private String endpointUrl;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("bridge-max-deliveries-it");
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
        endpoint = new FakeEmbeddingServer();
        endpointUrl = endpoint.start().get("bridge.embedders.remote.base-url");
        control("slow"); // every embedding request hangs past the client's timeout: the batch stays in hand
    }

    @AfterEach
    void stop() throws Exception {
        endpoint.stop();
        nats.close();
        server.close();
        TestFiles.deleteRecursively(dir);
    }

    private void control(String mode) throws Exception {
        String root = endpointUrl.substring(0, endpointUrl.length() - "/v1".length());
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(root + "/control/" + mode)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void anEventWhoseDeliveriesACrashLoopUsedUpIsDeadLetteredNotDropped() throws Exception {
        Map<String, String> env = Map.of(
                "BRIDGE_EMBEDDERS_REMOTE_PROVIDER", "openai", "BRIDGE_EMBEDDERS_REMOTE_BASE_URL", endpointUrl,
                "BRIDGE_EMBEDDERS_REMOTE_MODEL", "fake-embed", "BRIDGE_EMBEDDERS_REMOTE_DIMENSION",
                String.valueOf(FakeEmbeddingServer.DIMENSION), "BRIDGE_EMBEDDERS_REMOTE_TIMEOUT", "1s",
                "BRIDGE_TABLES_EVENTS_EMBEDDER", "remote", "BRIDGE_INGEST_MAX_DELIVER", "2", "BRIDGE_INGEST_ACK_WAIT", "2s");
        Path store = dir.resolve("store");
        Path log = Path.of("target", "max-deliveries-it.log");
        Files.deleteIfExists(log);
        JetStreamManagement jsm = nats.jetStreamManagement();
        long seq = -1;
        for (int delivery = 1; delivery <= 2; delivery++) {
            BridgeProcess bridge = BridgeProcess.start(server.getURI(), store, log, env);
            if (seq < 0) {
                seq = Events.publish(nats.jetStream(), "events.loop", "{\"id\": \"loop-1\", \"text\": \"held when the bridge dies\"}");
            }
            int expected = delivery;
            await().atMost(WAIT).until(() -> jsm.getConsumerInfo("EVENTS", "bridge-events").getDelivered().getConsumerSequence() >= expected);
            bridge.kill(); // as an OOM kill or a liveness restart would, with the event in hand
        }
        long original = seq;
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store, log, env)) {
            await().atMost(WAIT).until(() -> letters(jsm).size() == 1);
            MessageInfo letter = letters(jsm).get(0);
            assertEquals("MAX_DELIVERIES", letter.getHeaders().getFirst(DeadLetters.ERROR));
            assertEquals(Long.toString(original), letter.getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ));
            await().atMost(WAIT).until(() -> jsm.getConsumerInfo("EVENTS", "bridge-events").getNumAckPending() == 0);
        }
    }

    private static List<MessageInfo> letters(JetStreamManagement jsm) throws Exception {
        if (jsm.getStreamInfo(JetStreamSetup.DEAD_LETTER_STREAM).getStreamState().getMsgCount() == 0) {
            return List.of();
        }
        return Events.all(jsm, JetStreamSetup.DEAD_LETTER_STREAM);
    }
}
