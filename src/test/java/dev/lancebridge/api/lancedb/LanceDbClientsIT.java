package dev.lancebridge.api.lancedb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.Node;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LanceDB's own TypeScript SDK connects to the packaged bridge as to a remote LanceDB
 * ({@code db://} with {@code hostOverride} and an API key) and lists, describes, counts, searches
 * and reads a table the bridge fills from its stream, and writes to it (add, merge on id, delete)
 * through that stream; what the bridge cannot do comes back as an error the SDK shows, and a wrong
 * key is refused.
 */
class LanceDbClientsIT {

    private static final String KEY = "remote-key-7c2e9a41d0b35f68";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TEXTS = {"a small red fox jumps", "a large brown bear sleeps", "the fox hunts at night",
        "stock markets fell sharply", "rain is expected tomorrow", "a quick fox and a lazy dog"};

    @TempDir
    Path dir;

    @Test
    void theTypeScriptSdkQueriesTheBridgeAsARemoteTable() throws Exception {
        Node.assumeSdk();
        try (NatsServerRunner nats = LocalNatsServer.start(dir.resolve("nats"), null);
             BridgeProcess bridge = BridgeProcess.start(nats.getURI(), dir.resolve("store"), Path.of("target", "lancedb-clients-it-bridge.log"),
                     Map.of("BRIDGE_API_KEY", KEY))) {
            try (Connection connection = Nats.connect(nats.getURI())) {
                for (int i = 0; i < TEXTS.length; i++) {
                    Events.publish(connection.jetStream(), "events.remote", "{\"id\":\"r" + (i + 1) + "\",\"text\":\"" + TEXTS[i] + "\"}");
                }
            }
            Map<String, String> auth = Map.of("x-api-key", KEY);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    JSON.readTree(bridge.exchange("GET", "/tables/events", null, auth).body()).path("rows").asLong() == TEXTS.length);

            JsonNode sdk = Node.run(dir, "remote.mjs", bridge.url(""), KEY, "events");

            assertEquals(List.of("events"), strings(sdk.get("tableNames")));
            assertEquals(TEXTS.length, sdk.get("countRows").asLong(), sdk.toString());
            assertEquals(2, sdk.get("countRowsFiltered").asLong(), sdk.toString());
            List<String> schema = strings(sdk.get("schema"));
            assertTrue(schema.contains("id:Utf8") && schema.contains("text:Utf8"), schema.toString());
            assertTrue(schema.stream().anyMatch(field -> field.startsWith("vector:FixedSizeList[384]")), schema.toString());
            assertTrue(sdk.get("version").asLong() >= 1, sdk.toString());

            JsonNode nearest = sdk.get("nearest");
            assertEquals(3, nearest.size(), sdk.toString());
            assertEquals("r1", nearest.get(0).get("id").asText());
            assertTrue(nearest.get(0).get("_distance").asDouble() < 1e-4, nearest.toString());
            assertTrue(nearest.get(0).has("_rowid") && nearest.get(0).has("text"), nearest.toString());
            assertFalse(strings(sdk.get("nearestFiltered"), "id").contains("r1"), sdk.toString());
            assertEquals(2, sdk.get("nearestFiltered").size());

            // the same top 10 as REST at the version the SDK read (before its writes), in the same order
            String rest = bridge.exchange("POST", "/tables/events/search", "{\"vector\":" + sdk.get("queryVector") + ",\"k\":10,"
                    + "\"version\":" + sdk.get("version") + "}", auth).body();
            assertEquals(strings(JSON.readTree(rest).get("hits"), "id"), strings(sdk.get("nearest10")), rest);
            // hybrid: the SDK's two queries (vector and full text, with row ids), fused client-side
            JsonNode hybrid = sdk.get("hybrid");
            assertEquals(3, hybrid.size(), sdk.toString());
            assertEquals("r1", hybrid.get(0).get("id").asText(), hybrid.toString()); // nearest and a "fox" text
            hybrid.forEach(hit -> assertTrue(hit.has("_relevance_score"), hit.toString()));

            assertEquals(2, sdk.get("plain").size(), sdk.toString());
            assertTrue(strings(sdk.get("allColumns")).containsAll(List.of("id", "text", "vector")), sdk.toString());
            assertTrue(strings(sdk.get("versions")).size() >= 1, sdk.toString());
            assertTrue(sdk.get("indices").isArray(), sdk.toString());

            assertTrue(sdk.get("l2").path("error").asText().contains("cosine"), sdk.toString());
            // writes became events, and the bridge committed them: two added (one embedded by the bridge, one with its vector),
            // one merged over r2 and one inserted, two deleted
            for (String write : List.of("add", "mergeInsert", "deleteWhere")) {
                assertFalse(sdk.get(write).has("error"), write + ": " + sdk);
            }
            assertEquals(List.of("w2"), strings(sdk.get("addedVector"), "id"), sdk.toString());
            assertEquals(TEXTS.length + 3 - 2, sdk.get("countAfterWrites").asLong(), sdk.toString());
            // checkout(version): the table as it was before the writes, then the latest again
            JsonNode checkout = sdk.get("checkout");
            assertEquals(TEXTS.length, checkout.get("counted").asLong(), checkout.toString());
            assertEquals(0, checkout.get("found").asInt(), checkout.toString());
            assertEquals(TEXTS.length + 3 - 2, checkout.get("latest").asLong(), checkout.toString());
            assertTrue(sdk.get("addUnknownColumn").path("error").asText().contains("colour"), sdk.toString());
            assertTrue(sdk.get("addWithoutId").path("error").asText().contains("'id'"), sdk.toString());
            assertTrue(sdk.get("mergeOnText").path("error").asText().contains("upserts by id"), sdk.toString());
            assertTrue(sdk.get("update").path("error").asText().contains("not supported"), sdk.toString());
            // the three texts with "fox", each with its BM25 score
            assertEquals(java.util.Set.of("r1", "r3", "r6"), new java.util.HashSet<>(strings(sdk.get("fullText"), "id")), sdk.toString());
            sdk.get("fullText").forEach(hit -> assertTrue(hit.get("_score").asDouble() > 0, hit.toString()));
            assertTrue(sdk.get("unknownTable").path("error").asText().toLowerCase().contains("not found"), sdk.toString());
            assertTrue(sdk.get("wrongKey").has("error"), sdk.toString());

            // what no SDK sends, but a hand-made client might: a clear 4xx, never a 5xx the clients would retry
            assertEquals(400, bridge.exchange("POST", "/v1/table/events/query/", "{not json", auth).status());
            assertEquals(400, bridge.exchange("POST", "/v1/table/events/query/", "{\"vector\":[1,2],\"k\":3}", auth).status());
            assertEquals(400, bridge.exchange("POST", "/v1/table/events/query/", "{\"vector\":[],\"filter\":\"no such (\"}", auth)
                    .status());
            assertEquals(400, bridge.exchange("POST", "/v1/table/events/count_rows/", "{\"version\":999}", auth).status());
            assertEquals(404, bridge.exchange("POST", "/v1/table/nope/describe/", "{\"version\":null}", auth).status());
            BridgeProcess.Exchange stream = bridge.exchange("POST", "/v1/table/events/query/", "{\"vector\":[],\"k\":1}",
                    Map.of("x-api-key", KEY, "Accept", "application/vnd.apache.arrow.stream"));
            assertEquals("application/vnd.apache.arrow.stream", stream.header("Content-Type"));
            BridgeProcess.Exchange file = bridge.exchange("POST", "/v1/table/events/query/", "{\"vector\":[],\"k\":1}", auth);
            assertTrue(file.body().startsWith("ARROW1"), "the IPC file framing starts with its magic bytes");
            assertEquals(400, bridge.exchange("POST", "/v1/table/events/insert/", "not arrow at all", auth).status());

            // NATS gone: a write is a 503 the client retries, at once, and nothing of it is half-stored
            nats.close();
            assertEquals(400, bridge.exchange("POST", "/v1/table/events/insert/", "", auth).status()); // refused before publishing
            byte[] body = arrowRows("w8", "written while NATS is away");
            Map<String, String> withArrow = Map.of("x-api-key", KEY, "Content-Type", "application/vnd.apache.arrow.stream");
            long before = System.nanoTime();
            BridgeProcess.Exchange unavailable = await().atMost(Duration.ofSeconds(30)).until(
                    () -> bridge.exchangeBytes("POST", "/v1/table/events/insert/", body, withArrow), answer -> answer.status() == 503);
            assertTrue((System.nanoTime() - before) / 1e9 < 30, "refused at once");
            assertEquals("1", unavailable.header("Retry-After"));
            assertTrue(unavailable.body().contains("retry"), unavailable.body());
        }
    }

    /** One row (id, text) as an uncompressed Arrow IPC stream. */
    private static byte[] arrowRows(String id, String text) throws Exception {
        try (org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator();
             org.apache.arrow.vector.VarCharVector ids = new org.apache.arrow.vector.VarCharVector("id", allocator);
             org.apache.arrow.vector.VarCharVector texts = new org.apache.arrow.vector.VarCharVector("text", allocator)) {
            ids.setSafe(0, id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            texts.setSafe(0, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            org.apache.arrow.vector.VectorSchemaRoot root = org.apache.arrow.vector.VectorSchemaRoot.of(ids, texts);
            root.setRowCount(1);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (org.apache.arrow.vector.ipc.ArrowStreamWriter writer = new org.apache.arrow.vector.ipc.ArrowStreamWriter(root, null, out)) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            return out.toByteArray();
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> strings(JsonNode rows, String column) {
        List<String> values = new ArrayList<>();
        rows.forEach(row -> values.add(row.get(column).asText()));
        return values;
    }
}
