package dev.lancebridge.api;

import dev.lancebridge.ingest.NatsClient;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.support.GlossCorpus;
import dev.lancebridge.support.Scrape;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.lancebridge.support.Api.expect400;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** The HTTP contract of /tables: describe, search, errors, readiness. */
@QuarkusTest
class TablesResourceTest {

    /** Health and metrics are served on the management interface (its root is /q). */
    @TestHTTPResource(value = "/health/ready", management = true)
    java.net.URL ready;
    @TestHTTPResource(value = "/health/group/ingest", management = true)
    java.net.URL ingestHealth;
    @TestHTTPResource(value = "/health/live", management = true)
    java.net.URL live;
    @TestHTTPResource(value = "/metrics", management = true)
    java.net.URL metrics;

    @Inject
    NatsClient nats;
    @Inject
    LanceStore store;

    @BeforeEach
    void publishCorpus() throws Exception {
        GlossCorpus.ensurePublished(nats, store);
    }

    @Test
    void listsTables() {
        given().get("/tables").then().statusCode(200).body("", contains("events"));
    }

    @Test
    void describesATable() {
        given().get("/tables/events").then().statusCode(200)
                .body("name", equalTo("events"))
                .body("rows", greaterThanOrEqualTo(60))
                .body("version", greaterThanOrEqualTo(1))
                .body("stream", equalTo("EVENTS"))
                .body("subjects", contains("events.>"))
                .body("embedding.model", equalTo("all-MiniLM-L6-v2"))
                .body("embedding.dimension", equalTo(384))
                .body("path", containsString("events.lance"))
                .body("fragments", greaterThanOrEqualTo(1))
                .body("versions", greaterThanOrEqualTo(1))
                .body("disk_bytes", greaterThan(0))
                .body("indexes.name", hasItems("id_idx", "text_idx"))
                .body("indexes.find { it.name == 'id_idx' }.type", equalTo("BTree"))
                .body("indexes.find { it.name == 'id_idx' }.columns", contains("id"))
                .body("indexes.find { it.name == 'text_idx' }.unindexed_rows", greaterThanOrEqualTo(0));
    }

    @Test
    void maintenanceOnDemandCompactsAndFoldsNewRowsIntoTheIndexes() {
        // the corpus came in over several commits: fragments and unindexed rows to act on
        given().post("/tables/events/maintenance").then().statusCode(200)
                .body("outcome", equalTo("ok"))
                .body("fragments_after", lessThanOrEqualTo(1))
                .body("version", greaterThanOrEqualTo(1))
                .body("duration_ms", greaterThanOrEqualTo(0));
        given().get("/tables/events").then().statusCode(200)
                .body("fragments", equalTo(1))
                .body("indexes.find { it.name == 'id_idx' }.unindexed_rows", equalTo(0))
                .body("last_maintenance.outcome", equalTo("ok"))
                .body("last_maintenance.at", notNullValue());
        // search still finds what it found before, now through the updated indexes
        given().contentType(ContentType.JSON).body("{\"query\": \"deerhound\", \"mode\": \"fulltext\", \"k\": 1}")
                .post("/tables/events/search").then().statusCode(200).body("hits[0].id", equalTo("api-53"));
        given().post("/tables/nope/maintenance").then().statusCode(404);
        // the same numbers as metrics
        String metrics = given().get(this.metrics).then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("bridge_table_fragments{table=\"events\"} 1.0"), metrics);
        assertTrue(metrics.contains("bridge_maintenance_last_success{table=\"events\"} 1.0"), metrics);
        assertTrue(metrics.contains("bridge_index_unindexed_rows{index=\"id_idx\",table=\"events\"} 0.0"), metrics);
        assertTrue(java.util.regex.Pattern.compile("bridge_table_rows\\{table=\"events\"} [1-9]").matcher(metrics).find(), metrics);
    }

    @Test
    void pipelineAndSearchMetricsCarryRealValuesAfterIngest() throws Exception {
        String missingText = "bridge_events_dead_lettered_total{reason=\"MISSING_TEXT\",table=\"events\"}";
        double lettersBefore = Scrape.value(given().get(this.metrics).asString(), missingText);
        dev.lancebridge.support.Events.publish(nats.jetStream(), "events.api", "{\"id\": \"api-poison\"}");
        given().contentType(ContentType.JSON).body("{\"query\": \"hunting dog\", \"k\": 3}")
                .post("/tables/events/search").then().statusCode(200);
        given().contentType(ContentType.JSON).accept("application/vnd.apache.arrow.stream")
                .body("{\"query\": \"hunting dog\", \"k\": 3, \"mode\": \"fulltext\"}")
                .post("/tables/events/search").then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                Scrape.value(given().get(this.metrics).asString(), missingText) == lettersBefore + 1);
        List<String> counted = List.of("bridge_events_received_total{table=\"events\"}", "bridge_events_committed_total{table=\"events\"}",
                "bridge_batch_size_events_count{table=\"events\"}", "bridge_commit_duration_seconds_count{table=\"events\"}",
                "bridge_embed_duration_seconds_count{table=\"events\"}", "bridge_freshness_seconds_count{table=\"events\"}",
                "bridge_search_duration_seconds_count{format=\"json\",mode=\"vector\",table=\"events\"}",
                // a streamed answer is timed once its last byte is written, which may be just after the client has it
                "bridge_search_duration_seconds_count{format=\"arrow\",mode=\"fulltext\",table=\"events\"}");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            String scrape = given().get(this.metrics).asString();
            for (String series : counted) {
                assertTrue(Scrape.value(scrape, series) >= 1, series + " in\n" + scrape);
            }
        });
        String metrics = given().get(this.metrics).then().statusCode(200).extract().asString();
        // freshness is a histogram with fixed buckets up to a minute; every event of this test run was fresher than that
        assertTrue(metrics.contains("bridge_freshness_seconds_bucket{table=\"events\",le=\"60.0\"}"), metrics);
        assertTrue(metrics.contains("bridge_consumer_pending{table=\"events\"} 0.0"), metrics);
        assertTrue(metrics.contains("bridge_events_in_hand{table=\"events\"}"), metrics);
    }

    @Test
    void liveWhilePipelinesProgress() {
        given().get(live).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'pipelines' }.data.'table.events'", equalTo("progressing"));
    }

    @Test
    void unknownTableIs404WithTheErrorShape() {
        given().get("/tables/nope").then().statusCode(404)
                .body("error", equalTo("unknown table")).body("detail", containsString("nope"));
        given().contentType(ContentType.JSON).body("""
                {"query": "anything"}""").post("/tables/nope/search").then().statusCode(404)
                .body("error", equalTo("unknown table"));
    }

    @Test
    void textSearchRanksTheClosestGlossFirst() {
        given().contentType(ContentType.JSON).body("""
                {"query": "a large dog bred for hunting", "k": 3, "filter": "id LIKE 'api-%'"}""")
                .post("/tables/events/search").then().log().ifValidationFails().statusCode(200)
                .body("hits", hasSize(3))
                .body("hits[0].id", equalTo("api-53"))
                .body("hits[0].text", startsWith("Scottish deerhound"))
                .body("hits[0]._distance", lessThan(0.7f))
                .body("hits[0].embedding_model", equalTo("all-MiniLM-L6-v2"))
                .body("hits[0].embedding_dim", equalTo(384))
                .body("hits[0].subject", equalTo("events.api"))
                .body("hits[0].stream_seq", notNullValue())
                .body("hits[0].event_time", notNullValue())
                .body("hits.id", everyItem(startsWith("api-")));
    }

    @Test
    void kDefaultsToTen() {
        given().contentType(ContentType.JSON).body("""
                {"query": "animal", "filter": "id LIKE 'api-%'"}""")
                .post("/tables/events/search").then().statusCode(200).body("hits", hasSize(10));
    }

    @Test
    void filterAppliesBeforeTopK() {
        given().contentType(ContentType.JSON).body("""
                {"query": "a big hound used to chase stags", "k": 5, "filter": "id IN ('api-7', 'api-8')"}""")
                .post("/tables/events/search").then().statusCode(200)
                .body("hits", hasSize(2)).body("hits.id", everyItem(org.hamcrest.Matchers.in(List.of("api-7", "api-8"))));
    }

    @Test
    void vectorSearchMatchesTextSearch() {
        float[] probe = new float[384];
        probe[3] = 1;
        String vector = IntStream.range(0, 384).mapToObj(i -> Float.toString(probe[i])).collect(Collectors.joining(",", "[", "]"));
        List<String> ids = given().contentType(ContentType.JSON)
                .body("{\"vector\": " + vector + ", \"k\": 4, \"filter\": \"id LIKE 'api-%'\"}")
                .post("/tables/events/search").then().statusCode(200).body("hits", hasSize(4))
                .body("hits._distance", everyItem(notNullValue())).extract().jsonPath().getList("hits.id");
        // brute force on request: the same hits here (no vector index below the threshold)
        given().contentType(ContentType.JSON)
                .body("{\"vector\": " + vector + ", \"k\": 4, \"filter\": \"id LIKE 'api-%'\", \"exact\": true}")
                .post("/tables/events/search").then().statusCode(200).body("hits.id", contains(ids.toArray()));
    }

    @Test
    void badRequestsAre400WithAMessageNamingTheProblem() {
        expect400("{\"query\": \"x\", \"k\": 0}", "'k' must be between 1 and 1000");
        expect400("{\"query\": \"x\", \"k\": 1001}", "'k' must be between 1 and 1000");
        expect400("{\"k\": 3}", "needs 'query'");
        expect400("{\"query\": \"   \"}", "needs 'query'");
        expect400("{\"vector\": [1, 2, 3]}", "'vector' must have 384 numbers, got 3");
        expect400("{\"query\": \"x\", \"vector\": [1]}", "not both");
        expect400("{\"vector\": [" + "1e39, ".repeat(383) + "1]}", "'vector' element 0 is not a finite float");
        expect400("{\"query\": \"x\", \"filter\": \"no_such_column = 1\"}", "invalid filter");
        expect400("{\"query\": \"x\", \"filter\": \"id = = 'a'\"}", "invalid filter");
        for (String[] unreadable : new String[][] {{"{not json", "Unexpected character"},
                {"{\"query\": \"x\", \"k\": \"ten\"}", "'k': Cannot deserialize value of type `java.lang.Integer`"},
                {"{\"vector\": [1, null, 2]}", "'vector[1]': "}}) {
            given().contentType(ContentType.JSON).body(unreadable[0]).post("/tables/events/search").then().statusCode(400)
                    .body("error", equalTo("invalid request body")).body("detail", containsString(unreadable[1]));
        }
        given().get(ready).then().statusCode(200);
    }


    @Test
    void readyWhenSearchCanBeServedAndTheIngestGroupSaysHowIngestGoes() {
        given().get(ready).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'search' }.data.store", equalTo("writable"))
                .body("checks.find { it.name == 'search' }.data.'table.events'", equalTo("serving"));
        given().get(ingestHealth).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'ingest' }.data.nats", equalTo("connected"))
                .body("checks.find { it.name == 'ingest' }.data.'table.events'", equalTo("consuming"));
        // the ingest group is not part of readiness or liveness: NATS does not decide whether search is served
        given().get(ready).then().body("checks.name", not(hasItem("ingest")));
    }
}
