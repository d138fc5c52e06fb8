package dev.lancebridge.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.DebeziumServer;
import dev.lancebridge.support.Postgres;
import dev.lancebridge.support.TestFiles;
import dev.lancebridge.support.WordNet;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Postgres table mirrored into a LanceDB table through the real Debezium Server (Postgres
 * connector, NATS JetStream sink) and the packaged bridge: snapshot, inserts, updates (one that
 * leaves a TOASTed column out), deletes, primary-key changes and a truncate, with Debezium and
 * the bridge each SIGKILLed mid-stream. After each step the LanceDB table matches the Postgres
 * table row for row, and semantic search finds an updated row by its new meaning.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebeziumIT {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int ROWS = 300;
    /** Rows whose body is too long and random to stay in the row: Postgres TOASTs it. */
    private static final List<Integer> TOASTED = List.of(9001, 9002, 9003);

    private static Path dir;
    private static NatsServerRunner nats;
    private static Postgres postgres;
    private static DebeziumServer debezium;
    private static BridgeProcess bridge;

    @BeforeAll
    static void start() throws Exception {
        Postgres.assumeInstalled();
        DebeziumServer.assumeFetched();
        dir = Files.createTempDirectory("debezium-it");
        nats = LocalNatsServer.start(dir.resolve("nats"), null);
        postgres = Postgres.start();
        postgres.sql("CREATE TABLE docs (id int PRIMARY KEY, title text NOT NULL, body text, lang text)");
        List<String> glosses = WordNet.glosses(ROWS);
        StringBuilder insert = new StringBuilder("INSERT INTO docs VALUES ");
        for (int i = 0; i < ROWS; i++) {
            String gloss = glosses.get(i).replace("'", "''");
            insert.append(i == 0 ? "" : ",").append("(").append(i).append(", 'doc ").append(i).append("', '").append(gloss)
                    .append("', '").append(i % 3 == 0 ? "de" : "en").append("')");
        }
        postgres.sql(insert.toString());
        for (int id : TOASTED) {
            postgres.sql("INSERT INTO docs VALUES (" + id + ", 'long " + id + "', "
                    + "(SELECT string_agg(md5(random()::text), ' ') FROM generate_series(1, 300)), 'en')");
        }
        bridge = startBridge(); // it creates the stream Debezium publishes to
        debezium = startDebezium();
    }

    @AfterAll
    static void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (debezium != null) {
            debezium.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (nats != null) {
            nats.close();
        }
        TestFiles.deleteRecursively(dir);
    }

    private static DebeziumServer startDebezium() throws Exception {
        Map<String, String> properties = new TreeMap<>(DebeziumServer.postgresToNats(nats.getURI(), postgres.port(), offsets(),
                Duration.ofSeconds(1)));
        // the replication slot keeps what Debezium read, so that an older offset makes it send the changes since again
        properties.put("debezium.source.flush.lsn.source", "false");
        return DebeziumServer.start(dir.resolve("debezium"), properties, Path.of("target", "debezium-it-debezium.log"));
    }

    private static Path offsets() {
        return dir.resolve("debezium-offsets.dat");
    }

    private static BridgeProcess startBridge() throws Exception {
        return BridgeProcess.start(nats.getURI(), dir.resolve("store"), Path.of("target", "debezium-it-bridge.log"),
                DebeziumServer.DOCS_TABLE);
    }

    @Test
    @Order(1)
    void theSnapshotArrivesWhole() throws Exception {
        awaitMirrored();
        assertEquals(ROWS + TOASTED.size(), mirrored().size());
        debezium.close(); // stopped cleanly, it records its offsets
        Files.copy(offsets(), dir.resolve("offsets-after-snapshot"));
        debezium = startDebezium();
    }

    @Test
    @Order(2)
    void changesWithDebeziumAndTheBridgeKilledMidStreamStillMirror() throws Exception {
        postgres.sql("UPDATE docs SET title = title || ' (edited)' WHERE id % 7 = 0");
        // only the title changes: Debezium leaves the TOASTed body out, the bridge keeps the stored one
        postgres.sql("UPDATE docs SET title = 'long and edited' WHERE id IN (9001, 9002)");
        postgres.sql("DELETE FROM docs WHERE id % 11 = 0");
        // a primary key change: a delete of the old key and a create of the new one (its TOASTed body left out)
        postgres.sql("UPDATE docs SET id = 9103 WHERE id = 9003");
        postgres.sql("UPDATE docs SET id = id + 1000 WHERE id BETWEEN 1 AND 5");
        awaitMirrored();
        // killed before it recorded what it sent (its offsets put back to the snapshot's): it sends all of the above again
        debezium.kill();
        Files.copy(dir.resolve("offsets-after-snapshot"), offsets(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        postgres.sql("INSERT INTO docs SELECT 500 + g, 'new ' || g, 'a new row number ' || g, 'en' FROM generate_series(1, 40) g");
        postgres.sql("UPDATE docs SET body = 'a lighthouse keeper watches the ships pass the rocks at night' WHERE id = 7");
        debezium = startDebezium();
        postgres.sql("DELETE FROM docs WHERE id BETWEEN 520 AND 525");
        postgres.sql("UPDATE docs SET lang = 'fr' WHERE id % 5 = 0");
        // what is no change event on the table's subject is dead-lettered, and the rest goes on
        try (Connection connection = Nats.connect(nats.getURI())) {
            connection.jetStream().publish("pg.public.docs", "{\"op\": \"c\", \"after\":".getBytes(StandardCharsets.UTF_8));
            connection.jetStream().publish("pg.public.docs", "{\"before\": null, \"after\": {\"id\": 1}}".getBytes(StandardCharsets.UTF_8));
            connection.jetStream().publish("pg.public.docs", new byte[0]); // another sink's tombstone: ignored
        }
        bridge.kill();
        bridge = startBridge();
        awaitMirrored();
        assertTrue(resent(), "Debezium sent some changes twice after its SIGKILL");
        try (Connection connection = Nats.connect(nats.getURI())) {
            await().atMost(WAIT).until(() -> connection.jetStreamManagement().getStreamInfo("BRIDGE_DLQ").getStreamState().getMsgCount() == 2);
            List<String> reasons = new java.util.ArrayList<>();
            for (long seq = 1; seq <= 2; seq++) {
                reasons.add(connection.jetStreamManagement().getMessage("BRIDGE_DLQ", seq).getHeaders().getFirst("Bridge-Error"));
            }
            assertEquals(List.of("NOT_JSON", "NOT_A_CHANGE"), reasons);
        }

        JsonNode hits = bridge.post("/tables/docs/search", "{\"query\": \"a lighthouse by the sea\", \"k\": 3}").get("hits");
        assertEquals("7", hits.get(0).get("id").asText(), hits.toString());
    }

    @Test
    @Order(3)
    void aTruncateEmptiesTheTableAndNothingComesBack() throws Exception {
        postgres.sql("TRUNCATE docs");
        postgres.sql("INSERT INTO docs VALUES (1, 'after the truncate', 'the only row left', 'en')");
        awaitMirrored();
        assertEquals(1, mirrored().size());
        debezium.kill();
        debezium = startDebezium();
        postgres.sql("INSERT INTO docs VALUES (2, 'and one more', 'after a restart', 'en')");
        awaitMirrored();
        assertEquals(2, mirrored().size());
    }

    /** Until the LanceDB table holds exactly the Postgres table's rows, with the text made from them. */
    private static void awaitMirrored() {
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, List<String>> expected = postgresRows();
            Map<String, List<String>> actual = mirrored();
            List<String> differences = new java.util.ArrayList<>();
            expected.forEach((id, row) -> {
                if (!row.equals(actual.get(id))) {
                    differences.add(id + ": postgres " + abbreviated(row) + ", lancedb " + abbreviated(actual.get(id)));
                }
            });
            actual.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(id -> differences.add(id + ": only in lancedb"));
            assertTrue(differences.isEmpty(), differences.size() + " rows differ: "
                    + differences.subList(0, Math.min(10, differences.size())));
        });
    }

    private static String abbreviated(List<String> row) {
        return row == null ? "absent" : row.stream().map(value -> value.length() > 40 ? value.substring(0, 37) + "..." : value).toList().toString();
    }

    /** Whether the stream holds one change twice (the same source position and key). */
    private static boolean resent() throws Exception {
        try (Connection connection = Nats.connect(nats.getURI())) {
            var jsm = connection.jetStreamManagement();
            long last = jsm.getStreamInfo("DebeziumStream").getStreamState().getLastSequence();
            java.util.Set<String> seen = new java.util.HashSet<>();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (long seq = 1; seq <= last; seq++) {
                byte[] data = jsm.getMessage("DebeziumStream", seq).getData();
                JsonNode change;
                try {
                    change = data == null ? null : json.readTree(data).path("payload");
                } catch (java.io.IOException notJson) {
                    change = null;
                }
                if (change == null || !change.has("op")) {
                    continue; // what this test published itself
                }
                String key = change.path("source").path("lsn").asText() + "/" + change.path("after").path("id").asText()
                        + "/" + change.path("before").path("id").asText() + "/" + change.path("op").asText();
                if (!seen.add(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** id -> [title, body, lang, text] as Postgres holds them (the text as the table's template makes it). */
    private static Map<String, List<String>> postgresRows() throws Exception {
        Map<String, List<String>> rows = new TreeMap<>();
        for (String[] row : postgres.query("SELECT id, title, coalesce(body, ''), coalesce(lang, '') FROM docs")) {
            rows.put(row[0], List.of(row[1], row[2], row[3], row[1] + ": " + row[2]));
        }
        return rows;
    }

    /** The same, as the LanceDB table holds them. */
    private static Map<String, List<String>> mirrored() throws Exception {
        Map<String, List<String>> rows = new TreeMap<>();
        Path table = dir.resolve("store").resolve("docs.lance");
        if (!Files.exists(table)) {
            return rows;
        }
        try (RootAllocator allocator = new RootAllocator();
             Dataset dataset = Dataset.open(allocator, table.toString(), new org.lance.ReadOptions.Builder().build());
             LanceScanner scanner = dataset.newScan(new ScanOptions.Builder().columns(List.of("id", "title", "body", "lang", "text")).build());
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                for (int i = 0; i < root.getRowCount(); i++) {
                    rows.put(value(root.getVector("id"), i), List.of(value(root.getVector("title"), i), value(root.getVector("body"), i),
                            value(root.getVector("lang"), i), value(root.getVector("text"), i)));
                }
            }
        }
        return rows;
    }

    private static String value(FieldVector column, int row) {
        return column.isNull(row) ? "" : column.getObject(row).toString();
    }
}
