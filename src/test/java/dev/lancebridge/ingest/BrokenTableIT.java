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
import java.util.Comparator;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged bridge with two tables, one of whose latest manifest is unreadable: the other
 * table ingests and serves, the broken one is reported (health, GET, log), and rolling it back as
 * the README says brings it back with its events.
 */
class BrokenTableIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TWO_TABLES = Map.of(
            "BRIDGE_TABLES_NOTES_STREAM", "EVENTS", "BRIDGE_TABLES_NOTES_SUBJECTS", "notes.>",
            "BRIDGE_TABLES_EVENTS_SUBJECTS", "events.>");

    private Path dir;
    private NatsServerRunner server;
    private Connection nats;

    @BeforeEach
    void startBroker() throws Exception {
        dir = Files.createTempDirectory("bridge-broken-it");
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
    }

    @AfterEach
    void stopBroker() throws Exception {
        nats.close();
        server.close();
        TestFiles.deleteRecursively(dir);
    }

    private static long rows(BridgeProcess bridge, String table) throws Exception {
        return bridge.get("/tables/" + table).get("rows").asLong();
    }

    private void publish(String subject, String id, String text) throws Exception {
        Events.publish(nats.jetStream(), subject, "{\"id\": \"" + id + "\", \"text\": \"" + text + "\"}");
    }

    /** The manifest of the table's latest version: Lance names them so that the latest sorts first. */
    private static Path latestManifest(Path table) throws Exception {
        try (var files = Files.list(table.resolve("_versions"))) {
            return files.filter(file -> file.toString().endsWith(".manifest")).min(Comparator.naturalOrder()).orElseThrow();
        }
    }

    @Test
    void aTableWithAnUnreadableManifestIsReportedWhileTheOtherIngestsAndServesAndARollBackBringsItBack() throws Exception {
        Path store = dir.resolve("store");
        Path log = Path.of("target", "broken-table-it.log");
        Files.deleteIfExists(log);
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store, log, TWO_TABLES)) {
            publish("events.a", "e-1", "a violin made in Cremona");
            publish("notes.a", "n-1", "a note about a harpsichord");
            publish("notes.a", "n-2", "a second note, about a lute");
            await().atMost(WAIT).until(() -> rows(bridge, "events") == 1 && rows(bridge, "notes") == 2);
            bridge.terminate();
        }
        Path manifest = latestManifest(store.resolve("notes.lance"));
        Files.write(manifest, "not a manifest".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store, log, TWO_TABLES)) {
            assertEquals(200, bridge.status("/q/health/ready"), "the other table serves: the bridge stays in the Service");
            assertEquals(503, bridge.status("/tables/notes"));
            assertTrue(bridge.text("/q/health/ready").contains("broken: "));
            JsonNode ingest = JSON.readTree(bridge.text("/q/health/group/ingest"));
            assertEquals("DOWN", ingest.get("status").asText());
            assertTrue(ingest.get("checks").get(0).get("data").get("table.notes").asText().startsWith("broken: "));

            publish("events.a", "e-2", "a cello with a cracked back");
            publish("notes.a", "n-3", "a note published while the table is broken");
            await().atMost(WAIT).until(() -> rows(bridge, "events") == 2);
            assertEquals(200, bridge.status("/q/health/live"), "a restart would not repair the table");
            bridge.terminate();
        }
        assertTrue(Files.readString(log).contains("table notes: could not be opened"), "the log names the table");

        // the README's roll back: remove the unreadable latest manifest (and the hint that points at it), then let the
        // table's consumer replay the stream, which brings back what that version held (upserts are idempotent)
        Files.delete(manifest);
        Files.deleteIfExists(store.resolve("notes.lance").resolve("_versions").resolve("latest_version_hint.json"));
        nats.jetStreamManagement().deleteConsumer("EVENTS", "bridge-notes");
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store, log, TWO_TABLES)) {
            await().atMost(WAIT).until(() -> bridge.status("/tables/notes") == 200 && rows(bridge, "notes") == 3);
            assertEquals(200, bridge.status("/q/health/group/ingest"));
        }
    }
}
