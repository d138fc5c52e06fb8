package dev.lancebridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.S3Proxy;
import dev.lancebridge.support.Scrape;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Beyond one machine, with real parts: the packaged bridge writing a table to S3 (S3Proxy 4.1.0)
 * and two search replicas ({@code bridge.role=search}) serving it from the same bucket. The
 * replicas answer what the writer answers within the stated lag, a SIGKILLed writer loses
 * nothing, and a store that ignores conditional PUT is refused at start-up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObjectStoreReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(3);
    /** What the README states: a replica serves a commit within this, announcements working. */
    private static final Duration STATED_LAG = Duration.ofSeconds(2);

    private static Path dir;
    private static NatsServerRunner server;
    private static Connection nats;
    private static S3Proxy s3;
    private static final List<String> glosses = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bridge-s3-it");
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
        s3 = S3Proxy.start(S3Proxy.VERSION, dir.resolve("s3"));
        for (String sample : Events.wordnetSamples()) {
            glosses.add(JSON.readTree(sample).get("text").asText());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (nats != null) {
            nats.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
        TestFiles.deleteRecursively(dir);
    }

    private static Map<String, String> writer() {
        return s3.bridgeEnvironment("tables");
    }

    private static Map<String, String> replica() {
        Map<String, String> env = new HashMap<>(s3.bridgeEnvironment("tables"));
        env.put("BRIDGE_ROLE", "search");
        return env;
    }

    private static Path log(String who) {
        return Path.of("target", "object-store-it-" + who + ".log");
    }

    private static void publish(JetStream js, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            String text = glosses.get(i % glosses.size()) + " (#" + i + ")";
            Events.publish(js, "events.s3", JSON.writeValueAsString(Map.of("id", "s-" + i, "text", text)));
        }
    }

    private static long rows(BridgeProcess bridge) throws Exception {
        return bridge.get("/tables/events").get("rows").asLong();
    }

    private static List<String> hits(BridgeProcess bridge, String query) throws Exception {
        JsonNode answer = bridge.post("/tables/events/search", JSON.writeValueAsString(Map.of("query", query, "k", 5)));
        List<String> ids = new ArrayList<>();
        answer.get("hits").forEach(hit -> ids.add(hit.get("id").asText()));
        return ids;
    }

    @Test
    @Order(1)
    void aWriterAndTwoReplicasOnOneS3TableAnswerTheSameAndAWriterKillLosesNothing() throws Exception {
        JetStream js = nats.jetStream();
        try (BridgeProcess writer = BridgeProcess.start(server.getURI(), dir.resolve("unused"), log("writer"), writer());
             BridgeProcess first = BridgeProcess.start(server.getURI(), dir.resolve("unused"), log("replica-1"), replica());
             BridgeProcess second = BridgeProcess.start(server.getURI(), dir.resolve("unused"), log("replica-2"), replica())) {
            assertTrue(writer.get("/tables/events").get("path").asText().startsWith("s3://lance/tables/"), "the table is on S3");
            assertTrue(s3.objects().stream().anyMatch(path -> path.toString().contains("events.lance")), "objects in the bucket");

            publish(js, 0, 300);
            await().atMost(WAIT).until(() -> rows(writer) == 300);
            long written = writer.get("/tables/events").get("version").asLong();
            long caughtUp = System.nanoTime();
            for (BridgeProcess replica : List.of(first, second)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> replica.get("/tables/events").get("version").asLong() >= written);
            }
            Duration lag = Duration.ofNanos(System.nanoTime() - caughtUp);
            assertTrue(lag.compareTo(STATED_LAG) < 0, "replicas served the writer's version " + lag.toMillis() + " ms after it");
            String query = glosses.get(17);
            List<String> expected = hits(writer, query);
            assertEquals(5, expected.size());
            assertEquals(expected, hits(first, query));
            assertEquals(expected, hits(second, query));
            assertEquals(300, rows(first));

            JsonNode followed = first.get("/tables/events").get("replica");
            assertTrue(followed.get("version").asLong() >= written, followed.toString());
            assertTrue(followed.get("lag_ms").asLong() >= 0, followed.toString());
            String metrics = first.text("/q/metrics");
            assertTrue(Scrape.value(metrics, "bridge_replica_lag_seconds{table=\"events\"}") >= 0, metrics);
            assertTrue(Scrape.value(metrics, "bridge_replica_version{table=\"events\"}") >= written, metrics);
            // a replica changes nothing: maintenance belongs to the writer
            assertEquals(409, first.status("POST", "/tables/events/maintenance"));
            assertEquals(200, writer.status("POST", "/tables/events/maintenance"));

            // the writer SIGKILLed while events stream in, then restarted: replicas follow it, nothing is lost or doubled
            publish(js, 300, 600);
            await().atMost(WAIT).until(() -> rows(writer) > 300);
            writer.kill();
            long servedMeanwhile = rows(first);
            assertTrue(servedMeanwhile >= 300, "replicas keep serving without the writer");
            try (BridgeProcess restarted = BridgeProcess.start(server.getURI(), dir.resolve("unused"), log("writer"), writer())) {
                await().atMost(WAIT).until(() -> rows(restarted) == 600);
                for (BridgeProcess replica : List.of(first, second)) {
                    await().atMost(WAIT).until(() -> rows(replica) == 600);
                }
                for (int i = 0; i < 600; i += 97) {
                    JsonNode one = restarted.post("/tables/events/search",
                            JSON.writeValueAsString(Map.of("query", "x", "k", 3, "filter", "id = 's-" + i + "'")));
                    assertEquals(1, one.get("hits").size(), "s-" + i + " stored exactly once");
                }
                Events.awaitCaughtUp(nats.jetStreamManagement(), WAIT);
            }
        }
    }

    @Test
    @Order(2)
    void aSecondWriterConfiguredForTheSameTableIsRefused() throws Exception {
        try (BridgeProcess owner = BridgeProcess.start(server.getURI(), dir.resolve("unused"), log("writer"), writer())) {
            Path log = log("second-writer");
            Files.deleteIfExists(log);
            Map<String, String> env = new HashMap<>(writer());
            env.put("BRIDGE_WRITER_ID", "intruder");
            Process refused = BridgeProcess.command(server.getURI(), dir.resolve("unused"), log, env).start();
            assertTrue(refused.waitFor(90, TimeUnit.SECONDS), "the second writer must stop, not wait");
            assertNotEquals(0, refused.exitValue());
            String said = Files.readString(log);
            assertTrue(said.contains("table 'events' is owned by the writer"), said);
            // the owner goes on
            assertEquals(200, owner.status("/q/health/ready"));
            assertEquals(600, rows(owner));
        }
    }

    @Test
    @Order(3)
    void aWriterRefusesAStoreThatIgnoresConditionalPut() throws Exception {
        try (S3Proxy unsafe = S3Proxy.start(S3Proxy.IGNORES_CONDITIONAL_PUT, dir.resolve("unsafe"))) {
            Path log = log("unsafe-writer");
            Files.deleteIfExists(log);
            Process refused = BridgeProcess.command(server.getURI(), dir.resolve("unused"), log, unsafe.bridgeEnvironment("t")).start();
            assertTrue(refused.waitFor(90, TimeUnit.SECONDS), "the bridge must stop, not wait");
            assertNotEquals(0, refused.exitValue());
            String said = Files.readString(log);
            assertTrue(said.contains("ignores conditional PUT"), said);
            assertTrue(!said.contains(S3Proxy.SECRET_KEY), "the store's secret is not logged");
        }
    }
}
