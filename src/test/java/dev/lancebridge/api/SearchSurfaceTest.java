package dev.lancebridge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.ingest.NatsClient;
import dev.lancebridge.search.ArrowIpc;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.GlossCorpus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.lancebridge.support.Api.expect400;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 5's surface: projections, modes, time travel, Arrow IPC, export, GraphQL, and their errors. */
@QuarkusTest
class SearchSurfaceTest {

    /** Health and metrics are served on the management interface (its root is /q). */
    @TestHTTPResource(value = "/health/ready", management = true)
    java.net.URL ready;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARROW = ArrowIpc.MEDIA_TYPE;

    @Inject
    NatsClient nats;
    @Inject
    LanceStore store;

    @BeforeEach
    void publishCorpus() throws Exception {
        GlossCorpus.ensurePublished(nats, store);
    }

    private static String unit(int hot, float second) {
        return IntStream.range(0, 384).mapToObj(i -> i == hot ? "1" : i == hot + 1 ? Float.toString(second) : "0")
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void columnsChooseWhatAHitCarries() {
        given().contentType(ContentType.JSON).body("""
                {"query": "a hunting dog", "k": 2, "filter": "id LIKE 'api-%'", "columns": ["text"]}""")
                .post("/tables/events/search").then().statusCode(200)
                .body("mode", equalTo("vector"))
                .body("version", notNullValue())
                .body("hits[0]", hasKey("text")).body("hits[0]", hasKey("_distance"))
                .body("hits[0]", not(hasKey("subject"))).body("hits[0]", not(hasKey("vector")));
        given().contentType(ContentType.JSON).body("""
                {"query": "a hunting dog", "k": 1, "filter": "id = 'api-53'", "columns": ["vector"]}""")
                .post("/tables/events/search").then().statusCode(200).body("hits[0].vector", hasSize(384));
    }

    @Test
    void prefilterFalseFiltersOnlyTheTopK() {
        // the deerhound is the nearest row; api-7 is not among the 3 nearest of the whole table
        String search = "{\"query\": \"a large dog bred for hunting\", \"k\": 3, \"filter\": \"id = 'api-7'\"";
        given().contentType(ContentType.JSON).body(search + "}").post("/tables/events/search").then().statusCode(200)
                .body("hits.id", contains("api-7"));
        given().contentType(ContentType.JSON).body(search + ", \"prefilter\": false}").post("/tables/events/search")
                .then().statusCode(200).body("hits", hasSize(0));
    }

    @Test
    void requestErrorsNameTheProblem() {
        expect400("{\"query\": \"x\", \"columns\": [\"nope\"]}", "unknown column 'nope'");
        expect400("{\"query\": \"x\", \"mode\": \"psychic\"}", "unknown mode 'psychic'");
        expect400("{\"vector\": " + unit(0, 0) + ", \"mode\": \"fulltext\"}", "needs 'query'");
        expect400("{\"query\": \"x\", \"version\": 0}", "'version' must be");
        expect400("{\"query\": \"x\", \"version\": 999999}", "no version 999999");
        expect400("{\"query\": \"x\", \"nprobes\": 0}", "'nprobes', 'ef' and 'refine' must be positive");
        expect400("{\"query\": \"x\", \"refine\": 0}", "'nprobes', 'ef' and 'refine' must be positive");
        given().get(ready).then().statusCode(200);
    }


    @Test
    void fullTextRanksByTheWords() {
        given().contentType(ContentType.JSON).body("""
                {"query": "deerhound", "mode": "fulltext", "k": 3, "filter": "id LIKE 'api-%'"}""")
                .post("/tables/events/search").then().statusCode(200)
                .body("mode", equalTo("fulltext"))
                .body("hits[0].id", equalTo("api-53"))
                .body("hits[0]._score", notNullValue());
    }

    @Test
    void hybridFusesBothRankingsByReciprocalRank() {
        // vector ranking: h-2, h-1, h-3; word ranking for "alpha": h-1 (short), h-3 (long), h-2 never.
        Events.publish(nats.jetStream(), "events.hybrid", "{\"id\": \"h-1\", \"text\": \"alpha\", \"vector\": " + unit(10, 0.5f) + "}");
        Events.publish(nats.jetStream(), "events.hybrid", "{\"id\": \"h-2\", \"text\": \"gamma\", \"vector\": " + unit(10, 0.1f) + "}");
        Events.publish(nats.jetStream(), "events.hybrid", "{\"id\": \"h-3\", \"text\": \"alpha and a good many other words besides\", \"vector\": "
                + unit(10, 2f) + "}");
        await().atMost(Duration.ofSeconds(60)).until(() -> store.table("events").orElseThrow().countRows("id LIKE 'h-%'") == 3);
        String filter = "\"filter\": \"id LIKE 'h-%'\"";
        given().contentType(ContentType.JSON).body("{\"vector\": " + unit(10, 0) + ", \"k\": 3, " + filter + "}")
                .post("/tables/events/search").then().statusCode(200).body("hits.id", contains("h-2", "h-1", "h-3"));
        given().contentType(ContentType.JSON).body("{\"query\": \"alpha\", \"mode\": \"fulltext\", \"k\": 3, " + filter + "}")
                .post("/tables/events/search").then().statusCode(200).body("hits.id", contains("h-1", "h-3"));
        given().contentType(ContentType.JSON)
                .body("{\"query\": \"alpha\", \"vector\": " + unit(10, 0) + ", \"mode\": \"hybrid\", \"k\": 3, " + filter + "}")
                .post("/tables/events/search").then().statusCode(200)
                .body("mode", equalTo("hybrid"))
                .body("hits.id", contains("h-1", "h-3", "h-2"))
                .body("hits[0]._relevance_score", notNullValue())
                .body("hits[2]._score", equalTo(null));
    }

    @Test
    void timeTravelAnswersFromAnOlderVersion() {
        Events.publish(nats.jetStream(), "events.tt", "{\"id\": \"tt-1\", \"text\": \"the old wording\", \"vector\": " + unit(20, 0) + "}");
        await().atMost(Duration.ofSeconds(60)).until(() -> store.table("events").orElseThrow().countRows("id = 'tt-1'") == 1);
        long before = given().get("/tables/events").then().extract().jsonPath().getLong("version");
        Events.publish(nats.jetStream(), "events.tt", "{\"id\": \"tt-1\", \"text\": \"the new wording\", \"vector\": " + unit(20, 0) + "}");
        await().atMost(Duration.ofSeconds(60)).until(() ->
                store.table("events").orElseThrow().countRows("id = 'tt-1' AND text = 'the new wording'") == 1);
        String search = "{\"vector\": " + unit(20, 0) + ", \"k\": 1, \"filter\": \"id = 'tt-1'\"";
        given().contentType(ContentType.JSON).body(search + ", \"version\": " + before + "}")
                .post("/tables/events/search").then().statusCode(200)
                .body("version", equalTo((int) before)).body("hits[0].text", equalTo("the old wording"));
        given().contentType(ContentType.JSON).body(search + "}")
                .post("/tables/events/search").then().statusCode(200).body("hits[0].text", equalTo("the new wording"));
        given().get("/tables/events/versions").then().statusCode(200)
                .body("version", hasItem((int) before)).body("committed_at", everyItem(notNullValue()));

        // a tag names that version: search and export by name
        given().contentType(ContentType.JSON).body("{\"name\": \"before-rewording\", \"version\": " + before + "}")
                .post("/tables/events/tags").then().statusCode(201)
                .body("name", equalTo("before-rewording")).body("version", equalTo((int) before));
        given().get("/tables/events/tags").then().statusCode(200).body("name", hasItem("before-rewording"));
        given().contentType(ContentType.JSON).body(search + ", \"tag\": \"before-rewording\"}")
                .post("/tables/events/search").then().statusCode(200)
                .body("version", equalTo((int) before)).body("hits[0].text", equalTo("the old wording"));
        given().queryParam("filter", "id = 'tt-1'").queryParam("tag", "before-rewording").get("/tables/events/rows")
                .then().statusCode(200).body("rows[0].text", equalTo("the old wording"));
        given().contentType(ContentType.JSON).body("{\"name\": \"before-rewording\"}").post("/tables/events/tags")
                .then().statusCode(400).body("detail", containsString("already has a tag 'before-rewording'"));
        given().contentType(ContentType.JSON).body("{\"name\": \"bad name!\"}").post("/tables/events/tags")
                .then().statusCode(400);
        expect400(search + ", \"tag\": \"no-such-tag\"}", "has no tag 'no-such-tag'");
        expect400(search + ", \"tag\": \"before-rewording\", \"version\": 1}", "either 'version' or 'tag'");
    }

    @Test
    void arrowAnswerHoldsTheSameHitsAsJson() throws Exception {
        String body = """
                {"query": "a large dog bred for hunting", "k": 5, "filter": "id LIKE 'api-%'", "columns": ["text", "stream_seq"]}""";
        JsonNode json = JSON.readTree(given().contentType(ContentType.JSON).body(body).post("/tables/events/search")
                .then().statusCode(200).extract().asString());
        byte[] arrow = given().contentType(ContentType.JSON).accept(ARROW).body(body).post("/tables/events/search")
                .then().statusCode(200).contentType(ARROW).extract().asByteArray();
        Decoded decoded = decode(arrow);
        assertEquals(List.of("id", "text", "stream_seq", "_distance"), decoded.columns);
        assertEquals("vector", decoded.metadata.get(ArrowIpc.MODE_KEY));
        assertEquals(json.get("version").asText(), decoded.metadata.get(ArrowIpc.VERSION_KEY));
        assertEquals(5, decoded.rows.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(json.get("hits").get(i).get("id").asText(), decoded.rows.get(i).get("id").toString());
            assertEquals(json.get("hits").get(i).get("_distance").floatValue(), (Float) decoded.rows.get(i).get("_distance"), 1e-6);
        }
    }

    @Test
    void hybridAnswersInArrowToo() throws Exception {
        byte[] arrow = given().contentType(ContentType.JSON).accept(ARROW).body("""
                {"query": "dog", "mode": "hybrid", "k": 3, "filter": "id LIKE 'api-%'"}""")
                .post("/tables/events/search").then().statusCode(200).extract().asByteArray();
        Decoded decoded = decode(arrow);
        assertEquals("hybrid", decoded.metadata.get(ArrowIpc.MODE_KEY));
        assertEquals(3, decoded.rows.size());
        assertTrue(decoded.columns.contains("_relevance_score"));
    }

    @Test
    void exportStreamsRowsAsJsonOrArrow() throws Exception {
        given().queryParam("filter", "id LIKE 'api-%'").queryParam("columns", "text").queryParam("limit", 7)
                .get("/tables/events/rows").then().statusCode(200)
                .body("rows", hasSize(7)).body("version", notNullValue())
                .body("rows[0]", hasKey("text")).body("rows[0]", not(hasKey("subject")));
        given().queryParam("filter", "id LIKE 'api-%'").get("/tables/events/rows").then().statusCode(200)
                .body("rows", hasSize(GlossCorpus.SIZE));
        List<Object> page = given().queryParam("filter", "id LIKE 'api-%'").queryParam("limit", 5).queryParam("offset", 55)
                .get("/tables/events/rows").then().statusCode(200).extract().jsonPath().getList("rows.id");
        assertEquals(5, page.size());
        byte[] arrow = given().accept(ARROW).queryParam("filter", "id LIKE 'api-%'").queryParam("columns", "text,vector")
                .get("/tables/events/rows").then().statusCode(200).contentType(ARROW).extract().asByteArray();
        Decoded decoded = decode(arrow);
        assertEquals(GlossCorpus.SIZE, decoded.rows.size());
        assertEquals(List.of("id", "text", "vector"), decoded.columns);
        given().queryParam("limit", -1).get("/tables/events/rows").then().statusCode(400);
        given().queryParam("columns", "nope").get("/tables/events/rows").then().statusCode(400)
                .body("detail", containsString("unknown column 'nope'"));
    }

    @Test
    void contentNegotiationAndErrorsOnTheArrowPath() {
        given().contentType(ContentType.JSON).accept("text/csv").body("{\"query\": \"x\"}").post("/tables/events/search")
                .then().statusCode(406).body("error", notNullValue());
        given().contentType(ContentType.JSON).accept(ARROW).body("{\"query\": \"x\"}").post("/tables/nope/search")
                .then().statusCode(404).body("error", equalTo("unknown table"));
        given().contentType(ContentType.JSON).accept(ARROW).body("{\"query\": \"x\", \"filter\": \"nope = = 1\"}")
                .post("/tables/events/search").then().statusCode(400).body("detail", containsString("invalid filter"));
    }

    @Test
    void graphQlServesTheSameSearch() {
        List<String> rest = given().contentType(ContentType.JSON).body("""
                {"query": "a large dog bred for hunting", "k": 3, "filter": "id LIKE 'api-%'"}""")
                .post("/tables/events/search").then().statusCode(200).extract().jsonPath().getList("hits.id");
        String query = """
                { search(table: "events", query: "a large dog bred for hunting", k: 3, filter: "id LIKE 'api-%'") \
                { id distance text stream_seq embedding_model } \
                table(name: "events") { name rows version embedding { model dimension } } \
                tables { name } }""";
        given().contentType(ContentType.JSON).body(Map.of("query", query)).post("/graphql").then().statusCode(200)
                .body("errors", equalTo(null))
                .body("data.search.id", equalTo(rest))
                .body("data.search[0].distance", notNullValue())
                .body("data.search[0].embedding_model", equalTo("all-MiniLM-L6-v2"))
                .body("data.table.name", equalTo("events"))
                .body("data.table.embedding.dimension", equalTo(384))
                .body("data.tables.name", contains("events"));
        given().contentType(ContentType.JSON).body(Map.of("query", "{ search(table: \"events\", query: \"x\", k: 0) { id } }"))
                .post("/graphql").then().statusCode(200)
                .body("errors[0].message", containsString("'k' must be between 1 and 1000"));
        given().contentType(ContentType.JSON).body(Map.of("query", "{ table(name: \"nope\") { name } }"))
                .post("/graphql").then().statusCode(200)
                .body("errors[0].message", containsString("unknown table 'nope'"));
    }

    @Test
    void openApiDescribesTheSurface() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/tables/{table}/search"))
                .body("paths", hasKey("/tables/{table}/rows"))
                .body("paths", hasKey("/tables/{table}/versions"))
                .body("components.schemas", hasKey("SearchRequest"));
    }

    private record Decoded(List<String> columns, Map<String, String> metadata, List<Map<String, Object>> rows) {
    }

    private static Decoded decode(byte[] stream) throws Exception {
        try (RootAllocator allocator = new RootAllocator();
             ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(stream), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<String> columns = root.getSchema().getFields().stream().map(f -> f.getName()).toList();
            Map<String, String> metadata = root.getSchema().getCustomMetadata();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (reader.loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++) {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    for (FieldVector vector : root.getFieldVectors()) {
                        row.put(vector.getName(), vector.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return new Decoded(columns, metadata, rows);
        }
    }

    @Test
    void aGraphQlBodyNestedTooDeepIsTheClientsError() {
        String deep = "{\"a\":".repeat(1200) + "1" + "}".repeat(1200);
        given().contentType(ContentType.JSON).body(deep).post("/graphql").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.equalTo("invalid request body"));
    }
}
