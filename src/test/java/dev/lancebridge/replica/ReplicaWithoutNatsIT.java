package dev.lancebridge.replica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A search replica starts and serves while NATS is down, and follows the writer's announcements
 * once NATS is back. Its checks are set to an hour, so that only an announcement can move it.
 */
class ReplicaWithoutNatsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void aReplicaStartsWithoutNatsAndFollowsTheWriterOnceNatsIsBack() throws Exception {
        Path dir = Files.createTempDirectory("bridge-replica-it");
        Path store = dir.resolve("store");
        int port = BridgeProcess.freePort();
        String url = "nats://127.0.0.1:" + port;
        NatsServerRunner server = LocalNatsServer.start(dir.resolve("nats"), port);
        try (BridgeProcess writer = BridgeProcess.start(url, store, Path.of("target", "replica-it-writer.log"))) {
            publish(url, 0, 100);
            await().atMost(WAIT).until(() -> rows(writer) == 100);
            server.close();

            Path replicaLog = Path.of("target", "replica-it-replica.log");
            Files.deleteIfExists(replicaLog);
            try (BridgeProcess replica = BridgeProcess.start(url, store, replicaLog,
                    Map.of("BRIDGE_ROLE", "search", "BRIDGE_REPLICA_POLL_INTERVAL", "1h"))) {
                assertEquals(100, rows(replica), "the replica serves what the store holds");
                JsonNode hits = replica.post("/tables/events/search", "{\"query\":\"a small bird\",\"k\":3}").get("hits");
                assertEquals(3, hits.size(), hits.toString());
                assertEquals("disconnected", natsHealth(replica));
                BridgeProcess.Exchange delete = replica.exchange("POST", "/v1/table/events/delete/", "{\"predicate\":\"id = 'r-1'\"}",
                        Map.of("Content-Type", "application/json"));
                assertEquals(503, delete.status(), "a write through the replica waits for NATS: " + delete.body());
                assertTrue(Files.readString(replicaLog).contains("cannot reach NATS at " + url), "the log says why");

                server = LocalNatsServer.start(dir.resolve("nats"), port);
                await().atMost(WAIT).until(() -> "connected".equals(natsHealth(replica)));
                publish(url, 100, 150);
                await().atMost(WAIT).until(() -> rows(writer) == 150);
                // polling is set to an hour: the writer's announcement is what moves the replica
                await().atMost(Duration.ofSeconds(10)).until(() -> rows(replica) == 150);
            }
        } finally {
            server.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    private static void publish(String url, int from, int to) throws Exception {
        try (Connection nats = Nats.connect(url)) {
            for (int i = from; i < to; i++) {
                Events.publish(nats.jetStream(), "events.replica", JSON.writeValueAsString(Map.of("id", "r-" + i, "text", "bird number " + i)));
            }
        }
    }

    private static long rows(BridgeProcess bridge) throws Exception {
        return bridge.get("/tables/events").get("rows").asLong();
    }

    private static String natsHealth(BridgeProcess bridge) throws Exception {
        JsonNode health = JSON.readTree(bridge.text("/q/health/group/ingest"));
        for (JsonNode check : health.get("checks")) {
            if (check.get("name").asText().equals("ingest")) {
                return check.get("data").get("nats").asText();
            }
        }
        throw new AssertionError("no ingest check in " + health);
    }
}
