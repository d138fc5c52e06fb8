package dev.lancebridge.ingest;

import dev.lancebridge.support.Events;
import dev.lancebridge.support.FakeEmbeddingServer;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several declared tables at once: two fed by one stream on different subjects with different
 * in-process models, one of provided vectors, one embedded by an OpenAI-compatible endpoint (a
 * fake on loopback that can fail or hang).
 */
@QuarkusTest
@TestProfile(DeclaredTablesTest.Tables.class)
class DeclaredTablesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    public static class Tables implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("bridge.tables.orders.stream", "SHOP"),
                    Map.entry("bridge.tables.orders.subjects", "shop.orders.>"),
                    Map.entry("bridge.tables.orders.text", "{title}: {body}"),
                    Map.entry("bridge.tables.orders.embedder", "bge-small"),
                    Map.entry("bridge.tables.orders.event-time", "/placed_at"),
                    Map.entry("bridge.tables.orders.columns.sku.type", "string"),
                    Map.entry("bridge.tables.orders.columns.sku.nullable", "false"),
                    Map.entry("bridge.tables.orders.columns.total.type", "double"),
                    Map.entry("bridge.tables.orders.columns.total.pointer", "/amounts/total"),
                    Map.entry("bridge.tables.orders.columns.tags.type", "list<string>"),
                    Map.entry("bridge.tables.reviews.stream", "SHOP"),
                    Map.entry("bridge.tables.reviews.subjects", "shop.reviews.>"),
                    Map.entry("bridge.tables.clips.stream", "CLIPS"),
                    Map.entry("bridge.tables.clips.subjects", "clips.>"),
                    Map.entry("bridge.tables.clips.embedder", "clip"),
                    Map.entry("bridge.embedders.clip.provider", "provided"),
                    Map.entry("bridge.embedders.clip.dimension", "4"),
                    Map.entry("bridge.tables.remote.stream", "REMOTE"),
                    Map.entry("bridge.tables.remote.subjects", "remote.>"),
                    Map.entry("bridge.tables.remote.embedder", "remote"),
                    Map.entry("bridge.tables.remote.columns.rating.type", "int"),
                    Map.entry("bridge.embedders.remote.provider", "openai"),
                    Map.entry("bridge.embedders.remote.model", "fake-embed"),
                    Map.entry("bridge.embedders.remote.dimension", String.valueOf(FakeEmbeddingServer.DIMENSION)),
                    Map.entry("bridge.embedders.remote.timeout", "1s"));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeEmbeddingServer.class));
        }
    }

    @Inject
    NatsClient nats;
    @ConfigProperty(name = "bridge.embedders.remote.base-url")
    String fakeEndpoint;
    @TestHTTPResource(value = "/health/group/ingest", management = true)
    URL ingestHealth;

    private long publish(String subject, String payload) {
        return Events.publish(nats.jetStream(), subject, payload);
    }

    /** The rows of {@code table} matching {@code filter}, as JSON, through the export endpoint. */
    private static List<Map<String, Object>> rows(String table, String filter) {
        return given().queryParam("filter", filter).accept(ContentType.JSON).get("/tables/" + table + "/rows")
                .then().statusCode(200).extract().jsonPath().getList("rows");
    }

    private static Map<String, Object> awaitRow(String table, String filter) {
        await().atMost(WAIT).until(() -> rows(table, filter).size() == 1);
        return rows(table, filter).get(0);
    }

    private List<MessageInfo> letters(String table, long seq) {
        return Events.all(nats.management(), JetStreamSetup.DEAD_LETTER_STREAM).stream()
                .filter(m -> m.getSubject().equals(JetStreamSetup.DEAD_LETTER_PREFIX + table) && m.getHeaders() != null
                        && String.valueOf(seq).equals(m.getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ)))
                .toList();
    }

    private MessageInfo awaitLetter(String table, long seq) {
        await().atMost(WAIT).until(() -> !letters(table, seq).isEmpty());
        return letters(table, seq).get(0);
    }

    /** The fake endpoint's own root (its API is under /v1). */
    private String fakeRoot() {
        return fakeEndpoint.substring(0, fakeEndpoint.length() - "/v1".length());
    }

    private void fakeMode(String mode) {
        given().baseUri(fakeRoot()).post("/control/" + mode).then().statusCode(200);
    }

    private int fakeCount(String what) {
        return given().baseUri(fakeRoot()).get("/stats").then().statusCode(200).extract().jsonPath().getInt(what);
    }

    private JsonPath search(String table, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/tables/" + table + "/search")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void twoTablesFromOneStreamEachWithItsSubjectsAndModel() {
        publish("shop.orders.eu", "{\"id\": \"o-1\", \"title\": \"Red kettle\", \"body\": \"boils water in a minute\","
                + " \"sku\": \"K-1\", \"amounts\": {\"total\": 19.5}, \"tags\": [\"red\", \"steel\"], \"placed_at\": \"2026-12-01T10:00:00Z\"}");
        publish("shop.reviews.eu", "{\"id\": \"r-1\", \"text\": \"The kettle is loud but fast\"}");
        Map<String, Object> order = awaitRow("orders", "id = 'o-1'");
        Map<String, Object> review = awaitRow("reviews", "id = 'r-1'");
        assertEquals("Red kettle: boils water in a minute", order.get("text"));
        assertEquals("bge-small-en-v1.5-q", order.get("embedding_model"));
        assertEquals("all-MiniLM-L6-v2", review.get("embedding_model"));
        assertEquals("2026-12-01T10:00:00Z", order.get("event_time"));
        assertEquals(19.5, ((Number) order.get("total")).doubleValue());
        assertEquals(List.of("red", "steel"), order.get("tags"));
        assertTrue(rows("orders", "id = 'r-1'").isEmpty() && rows("reviews", "id = 'o-1'").isEmpty(), "each subject feeds its table");

        // a text query is embedded by the table's own model: the order's own text is its nearest neighbour, at distance ~0
        JsonPath hits = search("orders", "{\"query\": \"Red kettle: boils water in a minute\", \"k\": 1}");
        assertEquals("o-1", hits.getString("hits[0].id"));
        assertTrue(hits.getFloat("hits[0]._distance") < 1e-3, "distance " + hits.getFloat("hits[0]._distance"));
        given().get("/tables/orders").then().statusCode(200)
                .body("embedding.embedder", equalTo("bge-small"))
                .body("embedding.model", equalTo("bge-small-en-v1.5-q"))
                .body("columns.total", equalTo("double"))
                .body("columns.tags", equalTo("list<string>"));
    }

    @Test
    void typedColumnsAreFilterableOverRestAndGraphQl() {
        publish("shop.orders.eu", "{\"id\": \"o-2\", \"title\": \"Blue teapot\", \"body\": \"porcelain\", \"sku\": \"T-2\","
                + " \"amounts\": {\"total\": 42.0}, \"tags\": [\"blue\"]}");
        publish("shop.orders.eu", "{\"id\": \"o-3\", \"title\": \"Green teapot\", \"body\": \"cast iron\", \"sku\": \"T-3\","
                + " \"amounts\": {\"total\": 7.0}, \"tags\": [\"green\"]}");
        awaitRow("orders", "id = 'o-3'");
        awaitRow("orders", "id = 'o-2'");
        JsonPath hits = search("orders", "{\"query\": \"teapot\", \"filter\": \"total > 10 AND array_has(tags, 'blue')\"}");
        assertEquals(List.of("o-2"), hits.getList("hits.id"));
        assertEquals("T-2", hits.getString("hits[0].sku"));
        String graphql = "{\"query\": \"{ search(table: \\\"orders\\\", query: \\\"teapot\\\", filter: \\\"sku = 'T-3'\\\") { id columns } }\"}";
        JsonPath answer = given().contentType(ContentType.JSON).body(graphql).post("/graphql").then().statusCode(200).extract().jsonPath();
        assertEquals("o-3", answer.getString("data.search[0].id"));
        assertTrue(answer.getString("data.search[0].columns").contains("\"total\":7.0"), answer.getString("data.search[0].columns"));
        String table = "{\"query\": \"{ table(name: \\\"orders\\\") { columns { key value } embedding { embedder model } } }\"}";
        JsonPath described = given().contentType(ContentType.JSON).body(table).post("/graphql").then().statusCode(200).extract().jsonPath();
        assertTrue(described.getList("data.table.columns").contains(Map.of("key", "total", "value", "double")),
                described.prettify());
        assertEquals("bge-small", described.getString("data.table.embedding.embedder"));
    }

    @Test
    void anOrderWithoutItsRequiredColumnIsDeadLetteredNamingIt() {
        long seq = publish("shop.orders.eu", "{\"id\": \"o-bad\", \"title\": \"No sku\", \"body\": \"x\"}");
        MessageInfo letter = awaitLetter("orders", seq);
        assertEquals("MISSING_FIELD", letter.getHeaders().getFirst(DeadLetters.ERROR));
        assertTrue(letter.getHeaders().getFirst(DeadLetters.ERROR_DETAIL).contains("column 'sku'"));
    }

    @Test
    void providedVectorsAreStoredAndCheckedAndTextQueriesRefused() {
        publish("clips.a", "{\"id\": \"c-1\", \"text\": \"a cat\", \"vector\": [1, 0, 0, 0]}");
        long missing = publish("clips.a", "{\"id\": \"c-2\", \"text\": \"a dog\"}");
        long wrong = publish("clips.a", "{\"id\": \"c-3\", \"text\": \"a cow\", \"vector\": [1, 2]}");
        assertEquals("clip", awaitRow("clips", "id = 'c-1'").get("embedding_model"));
        assertEquals("MISSING_VECTOR", awaitLetter("clips", missing).getHeaders().getFirst(DeadLetters.ERROR));
        assertEquals("INVALID_VECTOR", awaitLetter("clips", wrong).getHeaders().getFirst(DeadLetters.ERROR));
        assertEquals(List.of("c-1"), search("clips", "{\"vector\": [0.9, 0.1, 0, 0]}").getList("hits.id"));
        given().contentType(ContentType.JSON).body("{\"query\": \"cat\"}").post("/tables/clips/search").then()
                .statusCode(400).body("detail", containsString("takes its vectors from the events"));
    }

    @Test
    void aRemoteEmbedderMakesTheVectorsAndAnUnchangedTextIsNotEmbeddedAgain() {
        int before = fakeCount("texts");
        publish("remote.a", "{\"id\": \"m-1\", \"text\": \"hello from afar\", \"rating\": 3}");
        Map<String, Object> row = awaitRow("remote", "id = 'm-1' AND rating = 3");
        assertEquals("fake-embed", row.get("embedding_model"));
        assertEquals(before + 1, fakeCount("texts"));
        JsonPath hit = search("remote", "{\"query\": \"hello from afar\", \"k\": 1, \"columns\": [\"rating\"]}");
        assertTrue(hit.getFloat("hits[0]._distance") < 1e-5, "the query is embedded by the same endpoint");
        int afterQuery = fakeCount("texts");

        publish("remote.a", "{\"id\": \"m-1\", \"text\": \"hello from afar\", \"rating\": 4}");
        awaitRow("remote", "id = 'm-1' AND rating = 4");
        assertEquals(afterQuery, fakeCount("texts"), "the same text keeps its stored vector: the endpoint is not called");

        publish("remote.a", "{\"id\": \"m-1\", \"text\": \"hello, changed\", \"rating\": 4}");
        awaitRow("remote", "id = 'm-1' AND text = 'hello, changed'");
        assertEquals(afterQuery + 1, fakeCount("texts"), "a changed text is embedded");
    }

    @Test
    void aTextTheEndpointRefusesIsDeadLetteredAloneAndTheRestOfItsBatchIsStored() {
        // batches are made deterministic by an outage: the first event is held, the next three wait in the stream
        fakeMode("fail");
        long good1;
        long poison;
        try {
            int requests = fakeCount("requests");
            publish("remote.a", "{\"id\": \"p-0\", \"text\": \"held by the outage\"}");
            await().atMost(WAIT).until(() -> fakeCount("requests") > requests);
            good1 = publish("remote.a", "{\"id\": \"p-1\", \"text\": \"a fine text\"}");
            poison = publish("remote.a", "{\"id\": \"p-2\", \"text\": \"a poison text\"}");
            publish("remote.a", "{\"id\": \"p-3\", \"text\": \"another fine text\"}");
        } finally {
            fakeMode("ok");
        }
        awaitRow("remote", "id = 'p-3'");
        awaitRow("remote", "id = 'p-1'");
        MessageInfo letter = awaitLetter("remote", poison);
        assertEquals("EMBEDDING_FAILED", letter.getHeaders().getFirst(DeadLetters.ERROR));
        assertTrue(letter.getHeaders().getFirst(DeadLetters.ERROR_DETAIL).contains("input rejected: a poison text"),
                letter.getHeaders().getFirst(DeadLetters.ERROR_DETAIL));
        assertTrue(rows("remote", "id = 'p-2'").isEmpty());
        assertTrue(letters("remote", good1).isEmpty());
    }

    @Test
    void anEndpointAnswering5xxHoldsTheEventsAndNeverDeadLettersThem() {
        outageHoldsTheEvent("fail", "m-5xx");
    }

    @Test
    void anEndpointTimingOutIsAnOutageToo() {
        outageHoldsTheEvent("slow", "m-slow");
    }

    private void outageHoldsTheEvent(String mode, String id) {
        fakeMode(mode);
        long seq;
        try {
            int requests = fakeCount("requests");
            seq = publish("remote.a", "{\"id\": \"" + id + "\", \"text\": \"waits for the model " + id + "\"}");
            // more attempts than max-deliver (4 in tests): an outage must not use up the event's deliveries
            await().atMost(WAIT).until(() -> fakeCount("requests") >= requests + 6);
            assertTrue(rows("remote", "id = '" + id + "'").isEmpty());
            assertTrue(letters("remote", seq).isEmpty(), "an outage is not the event's fault");
            given().get(ingestHealth).then().statusCode(503).body("checks[0].data.'table.remote'", containsString("waiting for the embedder"));
        } finally {
            fakeMode("ok");
        }
        awaitRow("remote", "id = '" + id + "'");
        assertTrue(letters("remote", seq).isEmpty());
    }
}
