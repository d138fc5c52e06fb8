package dev.lancebridge.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.Node;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.lance.Dataset;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged bridge against a real nats-server: killed with SIGKILL while batches are in
 * flight, restarted, stopped with SIGTERM, made to replay the whole stream — and the table ends
 * holding each event exactly once, newest versions, deleted rows absent. Then LanceDB's own
 * TypeScript SDK opens the table and agrees with the bridge's search.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {

    private static final int EVENTS = 1200;
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static NatsServerRunner server;
    private static Connection nats;
    /** id -> expected text; null for a deleted id. */
    private static final Map<String, String> expected = new HashMap<>();

    @BeforeAll
    static void startBroker() throws Exception {
        dir = Files.createTempDirectory("bridge-it");
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (nats != null) {
            nats.close();
        }
        if (server != null) {
            server.close();
        }
        TestFiles.deleteRecursively(dir);
    }

    private static Path store() {
        return dir.resolve("store");
    }

    private static Path log() {
        return Path.of("target", "crash-recovery-it-bridge.log");
    }

    @Test
    @Order(1)
    void sigkillWhileBatchesAreInFlightLosesNothingAndStoresNothingTwice() throws Exception {
        JetStream js = nats.jetStream();
        List<String> samples = Events.wordnetSamples();
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store(), log())) {
            for (int i = 0; i < EVENTS; i++) {
                String text = JSON.readTree(samples.get(i % samples.size())).get("text").asText() + " (#" + i + ")";
                Events.publish(js, "events.crash", JSON.writeValueAsString(Map.of("id", "c-" + i, "text", text)));
                expected.put("c-" + i, text);
            }
            for (int i = 0; i < EVENTS; i += 10) {
                String text = "updated " + i;
                Events.publish(js, "events.crash", JSON.writeValueAsString(Map.of("id", "c-" + i, "text", text)));
                expected.put("c-" + i, text);
            }
            for (int i = 5; i < EVENTS; i += 25) {
                Events.publish(js, "events.crash", "{\"id\": \"c-" + i + "\"}", "Bridge-Op", "delete");
                expected.put("c-" + i, null);
            }
            await().atMost(WAIT).until(() -> rows(bridge) >= 100);
            assertTrue(rows(bridge) < EVENTS, "the kill must land while events are still in flight");
            bridge.kill();
        }
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store(), log())) {
            awaitCaughtUp();
            assertTableHoldsExactlyTheExpectedRows();
            assertDrainedOnSigterm(bridge);
        }
    }

    @Test
    @Order(2)
    void replayingTheWholeStreamChangesNothing() throws Exception {
        JetStreamManagement jsm = nats.jetStreamManagement();
        jsm.deleteConsumer("EVENTS", "bridge-events");
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store(), log())) {
            awaitCaughtUp();
            assertTableHoldsExactlyTheExpectedRows();
            assertDrainedOnSigterm(bridge);
        }
    }

    @Test
    @Order(3)
    void lanceDbsOwnSdkOpensTheTableAndItsSearchAgrees() throws Exception {
        Node.assumeSdk();

        float[] query = storedVector("c-3");
        Path queryFile = dir.resolve("query.json");
        Files.writeString(queryFile, JSON.writeValueAsString(query));
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store(), log())) {
            JsonNode ours = bridge.post("/tables/events/search",
                    "{\"vector\": " + JSON.writeValueAsString(query) + ", \"k\": 10}").get("hits");
            JsonNode theirs = Node.run(dir, "search.mjs", store().toString(), "events", queryFile.toString(), "10");
            assertEquals(expectedLiveRows(), theirs.get("count").asLong());
            assertEquals(List.of("events"), JSON.convertValue(theirs.get("tables"), List.class));
            assertTrue(theirs.get("embeddingFunctions").asText().contains("\"source_column\":\"text\""));
            JsonNode hits = theirs.get("hits");
            assertEquals(10, hits.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(ours.get(i).get("id").asText(), hits.get(i).get("id").asText(), "hit " + i);
                assertEquals(ours.get(i).get("_distance").asDouble(), hits.get(i).get("distance").asDouble(), 1e-4);
            }
            assertEquals("c-3", hits.get(0).get("id").asText());

            // Apache Arrow JS reads the Arrow answer of the same search: same ids, same distances
            Path body = dir.resolve("search.json");
            Files.writeString(body, "{\"vector\": " + JSON.writeValueAsString(query) + ", \"k\": 10, \"columns\": [\"text\"]}");
            JsonNode arrow = Node.run(dir, "read-arrow.mjs", bridge.url("/tables/events/search"), body.toString());
            assertEquals(List.of("id", "text", "_distance"), JSON.convertValue(arrow.get("columns"), List.class));
            assertEquals("vector", arrow.get("metadata").get("bridge.mode").asText());
            for (int i = 0; i < 10; i++) {
                assertEquals(ours.get(i).get("id").asText(), arrow.get("hits").get(i).get("id").asText(), "arrow hit " + i);
                assertEquals(ours.get(i).get("_distance").asDouble(), arrow.get("hits").get(i).get("distance").asDouble(), 1e-6);
            }
        }
    }

    /** SIGTERM: the JVM's exit status is 143; what matters is that the pipeline drained first. */
    @Test
    @Order(4)
    void killedBridgesLeaveAtMostOneCopyOfEachNativeLibrary() throws Exception {
        Path temp = Files.createDirectories(dir.resolve("jvm-temp"));
        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + temp);
        for (int kill = 1; kill <= 10; kill++) {
            BridgeProcess bridge = BridgeProcess.start(server.getURI(), dir.resolve("store"), dir.resolve("kills.log"), env);
            bridge.kill();
            // A start leaves copies younger than 2 s alone (another JVM may be about to load them), and a killed bridge
            // may have written one (Arrow's, at its first table scan) just before the kill: restarts come no faster
            // than that in a real crash loop (Kubernetes backs off from 10 s).
            Thread.sleep(2_500);
        }
        try (var entries = Files.list(temp)) {
            Map<String, Long> copies = entries.map(path -> path.getFileName().toString().replaceAll("\\d+", "<n>"))
                    .collect(java.util.stream.Collectors.groupingBy(name -> name, java.util.stream.Collectors.counting()));
            assertEquals(1L, copies.get("liblance_jni<n>.so"), copies.toString());
            copies.values().forEach(count -> assertTrue(count <= 1, "one copy of each at most: " + copies));
        }
    }

    private static void assertDrainedOnSigterm(BridgeProcess bridge) throws Exception {
        long drainedBefore = drainedLines();
        int exit = bridge.terminate();
        assertTrue(exit == 0 || exit == 143, "exit status " + exit);
        assertEquals(drainedBefore + 1, drainedLines(), "the pipeline drained before exiting");
    }

    private static long drainedLines() throws java.io.IOException {
        try (var lines = Files.lines(log())) {
            return lines.filter(line -> line.contains("pipeline stopped (drained)")).count();
        }
    }

    private static long rows(BridgeProcess bridge) throws Exception {
        return bridge.get("/tables/events").get("rows").asLong();
    }

    private static long expectedLiveRows() {
        return expected.values().stream().filter(java.util.Objects::nonNull).count();
    }

    private static void awaitCaughtUp() throws java.io.IOException {
        Events.awaitCaughtUp(nats.jetStreamManagement(), WAIT);
    }

    private static void assertTableHoldsExactlyTheExpectedRows() throws Exception {
        List<String> ids = new ArrayList<>();
        Map<String, String> texts = new HashMap<>();
        try (RootAllocator allocator = new RootAllocator();
             Dataset dataset = Dataset.open(allocator, store().resolve("events.lance").toString(), new org.lance.ReadOptions.Builder().build());
             LanceScanner scanner = dataset.newScan(new ScanOptions.Builder().columns(List.of("id", "text", "stream_seq")).build());
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                VarCharVector id = (VarCharVector) root.getVector("id");
                VarCharVector text = (VarCharVector) root.getVector("text");
                for (int i = 0; i < root.getRowCount(); i++) {
                    ids.add(new String(id.get(i), StandardCharsets.UTF_8));
                    texts.put(ids.get(ids.size() - 1), new String(text.get(i), StandardCharsets.UTF_8));
                }
            }
        }
        java.util.Set<String> live = new java.util.TreeSet<>();
        expected.forEach((id, text) -> {
            if (text != null) {
                live.add(id);
            }
        });
        java.util.Set<String> extra = new java.util.TreeSet<>(ids);
        extra.removeAll(live);
        java.util.Set<String> missing = new java.util.TreeSet<>(live);
        missing.removeAll(ids);
        assertEquals(expectedLiveRows(), ids.size(), "row count; rows that should not be there " + extra + ", rows missing " + missing);
        assertEquals(ids.size(), new java.util.HashSet<>(ids).size(), "no id stored twice");
        expected.forEach((id, text) -> assertEquals(text, texts.get(id), "row " + id));
    }

    private static float[] storedVector(String id) throws Exception {
        try (RootAllocator allocator = new RootAllocator();
             Dataset dataset = Dataset.open(allocator, store().resolve("events.lance").toString(), new org.lance.ReadOptions.Builder().build());
             LanceScanner scanner = dataset.newScan(new ScanOptions.Builder().columns(List.of("id", "vector"))
                     .filter("id = '" + id + "'").build());
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                if (root.getRowCount() > 0) {
                    List<?> values = ((FixedSizeListVector) root.getVector("vector")).getObject(0);
                    float[] vector = new float[values.size()];
                    for (int i = 0; i < vector.length; i++) {
                        vector[i] = ((Number) values.get(i)).floatValue();
                    }
                    return vector;
                }
            }
        }
        throw new IllegalStateException("no row " + id);
    }
}
