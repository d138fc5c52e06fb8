package dev.lancebridge.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A table's declared model changes between two runs of the packaged bridge: the second run refuses
 * to mix the models (ingest held, events wait, search serves the stored vectors with the stored
 * model), a re-embed rebuilds the vectors with the new model while search goes on, then ingest
 * resumes with the new model and nothing waiting is lost.
 */
class ModelChangeIT {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> BGE = Map.of("BRIDGE_TABLES_EVENTS_EMBEDDER", "bge-small");

    private Path dir;
    private NatsServerRunner server;
    private Connection nats;

    @BeforeEach
    void startBroker() throws Exception {
        dir = Files.createTempDirectory("bridge-model-it");
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
        nats.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder()
                .name("EVENTS").subjects("events.>").build());
    }

    @AfterEach
    void stopBroker() throws Exception {
        nats.close();
        server.close();
        TestFiles.deleteRecursively(dir);
    }

    private void publish(String id, String text) throws java.io.IOException {
        Events.publish(nats.jetStream(), "events.model", "{\"id\": \"" + id + "\", \"text\": \"" + text + "\"}");
    }

    private static JsonNode row(BridgeProcess bridge, String id) throws Exception {
        JsonNode rows = bridge.get("/tables/events/rows?filter=" + java.net.URLEncoder.encode("id = '" + id + "'", "UTF-8")
                + "&columns=text,embedding_model,embedding_dim").get("rows");
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static double distanceToItself(BridgeProcess bridge, String id, String text) throws Exception {
        JsonNode hits = bridge.post("/tables/events/search", "{\"query\": \"" + text + "\", \"k\": 1, \"filter\": \"id = '"
                + id + "'\"}").get("hits");
        return hits.get(0).get("_distance").asDouble();
    }

    @Test
    void aChangedModelIsHeldThenReembeddedWhileSearchServes() throws Exception {
        Path store = dir.resolve("store");
        int rows = 1000;
        for (int i = 0; i < rows; i++) {
            publish("g-" + i, "a gloss about thing number " + i);
        }
        long minilmVersion;
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store, log("minilm"))) {
            await().atMost(WAIT).until(() -> bridge.get("/tables/events").get("rows").asLong() == rows);
            assertEquals("all-MiniLM-L6-v2", row(bridge, "g-1").get("embedding_model").asText());
            minilmVersion = bridge.get("/tables/events").get("version").asLong();
        }

        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store, log("bge"), BGE)) {
            JsonNode ready = JSON.readTree(bridge.text("/q/health/ready"));
            assertEquals("UP", ready.get("status").asText(), "a held table serves search");
            assertTrue(ready.get("checks").get(0).get("data").get("table.events").asText().startsWith("serving; ingest held: "));
            JsonNode ingest = JSON.readTree(bridge.text("/q/health/group/ingest"));
            String held = ingest.get("checks").get(0).get("data").get("table.events").asText();
            assertTrue(held.startsWith("held: holds vectors of all-MiniLM-L6-v2 (384 dimensions) but declares bge-small-en-v1.5-q"), held);
            assertEquals("pending", bridge.get("/tables/events/reembed").get("state").asText());

            publish("late", "an event published while the table is held");
            Thread.sleep(2_000);
            assertEquals(null, row(bridge, "late"), "a held table ingests nothing: the models are never mixed");
            // search goes on, and embeds a text query with the model the stored vectors are from
            assertTrue(distanceToItself(bridge, "g-7", "a gloss about thing number 7") < 1e-3);

            JsonNode started = bridge.post("/tables/events/reembed", "");
            assertEquals("running", started.get("state").asText());
            assertEquals(rows, started.get("rows_total").asLong());
            assertEquals(409, bridge.status("POST", "/tables/events/reembed"), "one re-embed at a time");
            int searchedWhileRunning = 0;
            while (bridge.get("/tables/events/reembed").get("state").asText().equals("running")) {
                // search goes on over the version before, with the model it was made by
                assertTrue(distanceToItself(bridge, "g-9", "a gloss about thing number 9") < 1e-3);
                searchedWhileRunning++;
            }
            assertTrue(searchedWhileRunning > 0, "the re-embed of " + rows + " rows ended before a search could run");
            assertEquals("done", bridge.get("/tables/events/reembed").get("state").asText(), bridge.get("/tables/events/reembed").toString());
            JsonNode done = bridge.get("/tables/events/reembed");
            assertEquals(rows, done.get("rows_done").asLong());
            assertTrue(done.get("to_version").asLong() > minilmVersion);

            assertEquals("bge-small-en-v1.5-q", row(bridge, "g-1").get("embedding_model").asText());
            await().atMost(WAIT).until(() -> row(bridge, "late") != null);
            assertEquals("bge-small-en-v1.5-q", row(bridge, "late").get("embedding_model").asText());
            assertEquals(rows + 1, bridge.get("/tables/events").get("rows").asLong());
            assertTrue(distanceToItself(bridge, "g-7", "a gloss about thing number 7") < 1e-3, "queries use the new model");
            assertEquals(409, bridge.status("POST", "/tables/events/reembed"), "nothing left to re-embed");
            assertEquals("bge-small", bridge.get("/tables/events").get("embedding").get("embedder").asText());
        }
    }

    private static Path log(String name) {
        return Path.of("target", "model-change-it-" + name + ".log");
    }
}
