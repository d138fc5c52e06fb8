package dev.lancebridge.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.Scrape;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged bridge as an operator runs it: readiness follows NATS down and back up (same
 * store, same consumer), liveness does not (a restart would not bring NATS back), SIGTERM with
 * batches in flight commits and acks them before the process exits, and production logs are
 * JSON lines whose failures name table, subject, stream sequence and event id.
 */
class OperationsIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private int natsPort;
    private NatsServerRunner server;
    private Connection nats;

    @BeforeEach
    void startBroker() throws Exception {
        dir = Files.createTempDirectory("bridge-ops-it");
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        natsPort = server.getPort(); // a restart comes back on the same port
        nats = Nats.connect(Options.builder().server(server.getURI()).maxReconnects(-1).build());
    }

    @AfterEach
    void stopBroker() throws Exception {
        nats.close();
        server.close();
        TestFiles.deleteRecursively(dir);
    }

    /** JetStream answers again after a restart (it recovers its streams after the server accepts connections). */
    private boolean jetStreamAnswers() {
        try {
            nats.jetStreamManagement().getStreamInfo("EVENTS");
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private Path log(String name) {
        return Path.of("target", "operations-it-" + name + ".log");
    }

    @Test
    void readinessFollowsNatsDownAndBackUpAndTheSameConsumerGoesOn() throws Exception {
        Path log = log("health");
        Files.deleteIfExists(log);
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), dir.resolve("store"), log)) {
            publish(0, 10);
            await().atMost(WAIT).until(() -> rows(bridge) == 10);
            // a normal start prints no panic and no stack trace (Lance's native dispatcher thread used to panic:
            // it finds its classes through the system class loader)
            String started = Files.readString(log);
            assertFalse(started.contains("panicked") || started.contains("Exception in thread")
                    || started.contains("ClassNotFoundException"), started);
            long poisonSeq = Events.publish(nats.jetStream(), "events.ops", "{\"id\": \"no-text\"}", "Nats-Msg-Id", "poison-1");
            // every ack has reached the server: an ack still in the client's buffer when the server stops means a
            // (harmless) redelivery, which would count those events twice below
            awaitCaughtUp();

            server.close();
            await().atMost(WAIT).until(() -> bridge.status("/q/health/group/ingest") == 503);
            JsonNode down = JSON.readTree(bridge.text("/q/health/group/ingest")).get("checks").get(0).get("data");
            assertEquals("disconnected", down.get("nats").asText());
            assertEquals(200, bridge.status("/q/health/live"), "NATS being away is not a reason to restart the bridge");
            assertEquals(200, bridge.status("/q/health/ready"), "search stays in the Service without NATS");
            assertEquals(3, bridge.post("/tables/events/search", "{\"query\": \"an event\", \"k\": 3}").get("hits").size(),
                    "search goes on without NATS");

            server = LocalNatsServer.start(dir.resolve("nats"), natsPort);
            await().atMost(WAIT).until(() -> bridge.status("/q/health/group/ingest") == 200
                    && nats.getStatus() == Connection.Status.CONNECTED && jetStreamAnswers());
            JsonNode up = JSON.readTree(bridge.text("/q/health/group/ingest")).get("checks").get(0).get("data");
            assertEquals("consuming", up.get("table.events").asText());
            publish(10, 20);
            await().atMost(WAIT).until(() -> rows(bridge) == 20);
            awaitCaughtUp();
            ConsumerInfo info = nats.jetStreamManagement().getConsumerInfo("EVENTS", "bridge-events");
            assertEquals(0, info.getRedelivered(), "the durable consumer went on where it was: nothing delivered twice");

            String metrics = bridge.text("/q/metrics");
            assertEquals(20, Scrape.value(metrics, "bridge_events_committed_total{table=\"events\"}"), metrics);
            assertEquals(1, Scrape.value(metrics, "bridge_events_dead_lettered_total{reason=\"MISSING_TEXT\",table=\"events\"}"), metrics);
            assertEquals(20, Scrape.value(metrics, "bridge_table_rows{table=\"events\"}"), metrics);

            // production logs: one JSON object per line; the failure names what failed
            JsonNode letter = logLines(log).stream().filter(line -> line.path("message").asText().contains("dead-lettered"))
                    .findFirst().orElseThrow(() -> new AssertionError("no dead-letter line in " + log));
            assertEquals("WARN", letter.get("level").asText());
            String message = letter.get("message").asText();
            assertTrue(message.contains("table events") && message.contains("subject=events.ops")
                    && message.contains("seq=" + poisonSeq) && message.contains("id=poison-1"), message);
            assertEquals("poison-1", letter.get("mdc").get("event_id").asText(), letter.toString());
            assertEquals(Long.toString(poisonSeq), letter.get("mdc").get("stream_seq").asText());
        }
    }

    @Test
    void sigtermWithBatchesInFlightCommitsAndAcksThemBeforeExiting() throws Exception {
        int events = 1500;
        Path log = log("sigterm");
        Files.deleteIfExists(log);
        // small batches that do not grow: what is in flight at SIGTERM is a few batches, not the whole backlog
        Map<String, String> smallBatches = Map.of("BRIDGE_INGEST_BATCH_SIZE", "50", "BRIDGE_INGEST_MAX_BATCH_SIZE", "50");
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), dir.resolve("store"), log, smallBatches)) {
            publish(0, events); // embedded in-process: a few hundred per second, so batches are in flight
            await().atMost(WAIT).until(() -> rows(bridge) >= 100);
            int exit = bridge.terminate();
            assertTrue(exit == 0 || exit == 143, "exit status " + exit);
        }
        assertTrue(Files.readString(log).contains("pipeline stopped (drained)"), "the pipeline drained before exiting");
        ConsumerInfo atExit = nats.jetStreamManagement().getConsumerInfo("EVENTS", "bridge-events");
        assertEquals(0, atExit.getNumAckPending(), "every event the bridge had fetched was committed and acked");
        long acked = atExit.getAckFloor().getStreamSequence();
        assertTrue(acked < events, "SIGTERM must land while events are still waiting (acked " + acked + ")");

        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), dir.resolve("store"), log)) {
            assertEquals(acked, rows(bridge), "the table holds exactly the acked events");
            awaitCaughtUp();
            assertEquals(events, rows(bridge));
            assertEquals(events, bridge.get("/tables/events/rows?columns=id").get("rows").size());
            ConsumerInfo done = nats.jetStreamManagement().getConsumerInfo("EVENTS", "bridge-events");
            assertEquals(0, done.getRedelivered(), "nothing was delivered twice");
            java.util.Set<String> ids = new java.util.HashSet<>();
            bridge.get("/tables/events/rows?columns=id").get("rows").forEach(row -> ids.add(row.get("id").asText()));
            assertEquals(events, ids.size(), "each event stored once");
        }
    }

    private void publish(int from, int to) throws Exception {
        List<String> samples = Events.wordnetSamples();
        for (int i = from; i < to; i++) {
            String text = JSON.readTree(samples.get(i % samples.size())).get("text").asText() + " (#" + i + ")";
            String payload = JSON.writeValueAsString(Map.of("id", "ops-" + i, "text", text));
            Events.publish(nats.jetStream(), "events.ops", payload, "Nats-Msg-Id", "ops-" + i);
        }
    }

    private static long rows(BridgeProcess bridge) throws Exception {
        return bridge.get("/tables/events").get("rows").asLong();
    }

    private void awaitCaughtUp() throws java.io.IOException {
        Events.awaitCaughtUp(nats.jetStreamManagement(), WAIT);
    }

    private static List<JsonNode> logLines(Path log) throws Exception {
        return Files.readAllLines(log).stream().filter(line -> line.startsWith("{")).map(line -> {
            try {
                return JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON log line: " + line, e);
            }
        }).toList();
    }
}
