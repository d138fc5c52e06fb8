package dev.lancebridge.api;

import dev.lancebridge.search.ArrowIpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.lancebridge.support.Api.expect400;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** Each limit of a request's cost answers a clear 400 (GraphQL: an error naming it), at the defaults. */
@QuarkusTest
class RequestCostTest {

    @Test
    void eachSearchLimitAnswers400NamingItsSetting() {
        String longQuery = "x".repeat(4097);
        expect400("{\"query\": \"" + longQuery + "\"}", "'query' may have at most 4096 characters, got 4097");
        expect400("{\"query\": \"dog\", \"filter\": \"id = '" + "x".repeat(4100) + "'\"}", "bridge.search.limits.max-filter-length");
        String columns = IntStream.range(0, 257).mapToObj(i -> "\"c" + i + "\"").collect(Collectors.joining(",", "[", "]"));
        expect400("{\"query\": \"dog\", \"columns\": " + columns + "}", "'columns' may name at most 256 columns, got 257");
        expect400("{\"query\": \"dog\", \"nprobes\": 1001}", "'nprobes' may be at most 1000");
        expect400("{\"query\": \"dog\", \"ef\": 2001}", "'ef' may be at most 2000");
        expect400("{\"query\": \"dog\", \"refine\": 21}", "'refine' may be at most 20");
        expect400("{\"query\": \"dog\", \"k\": 1001}", "'k' must be between 1 and 1000");
        // the Arrow answer checks the same limits before it streams
        given().contentType(ContentType.JSON).accept(ArrowIpc.MEDIA_TYPE).body("{\"query\": \"" + longQuery + "\"}")
                .post("/tables/events/search").then().statusCode(400).body("detail", containsString("max-query-length"));
    }

    @Test
    void exportLimitsAnswer400() {
        // an export's filter is in its URL: the request line's own limit (4096 bytes) refuses it first
        given().queryParam("filter", "x".repeat(4097)).get("/tables/events/rows").then().statusCode(414);
        given().queryParam("columns", String.join(",", Collections.nCopies(257, "id"))).accept(ArrowIpc.MEDIA_TYPE)
                .get("/tables/events/rows").then().statusCode(400).body("detail", containsString("max-columns"));
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() {
        String vector = "0.1,".repeat(300_000);
        given().contentType(ContentType.JSON).body("{\"vector\": [" + vector + "0.1]}").post("/tables/events/search")
                .then().statusCode(413);
    }

    @Test
    void aliasedGraphQlSearchesShareOneBudgetOfHits() {
        String aliases = IntStream.range(0, 3).mapToObj(i -> "s" + i + ": search(table: \"events\", query: \"dog\", k: 1000) { id }")
                .collect(Collectors.joining(" ", "{ ", " }"));
        given().contentType(ContentType.JSON).body(Map.of("query", aliases)).post("/graphql").then().statusCode(200)
                .body("errors[0].message", containsString("at most 2000 hits in total, got 3000"))
                .body("errors[0].message", containsString("bridge.search.limits.max-total-k"));
    }

    @Test
    void graphQlComplexityAndDepthAreBounded() {
        String many = IntStream.range(0, 250).mapToObj(i -> "t" + i + ": tables { name }").collect(Collectors.joining(" ", "{ ", " }"));
        given().contentType(ContentType.JSON).body(Map.of("query", many)).post("/graphql").then()
                .body("errors[0].message", containsString("complexity"))
                .body("data", equalTo(null));
        String deep = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }";
        given().contentType(ContentType.JSON).body(Map.of("query", deep)).post("/graphql").then()
                .body("errors[0].message", containsString("depth"))
                .body("data", equalTo(null));
        given().contentType(ContentType.JSON).body(Map.of("query", "{ tables { name } }")).post("/graphql").then()
                .statusCode(200).body("data.tables", notNullValue());
    }

    @Test
    void aSearchPastItsTimeIs503WithRetryAfter() {
        jakarta.ws.rs.core.Response answer = new ErrorMapper().timedOut(
                new org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException("timed out"));
        org.junit.jupiter.api.Assertions.assertEquals(503, answer.getStatus());
        org.junit.jupiter.api.Assertions.assertEquals("5", answer.getHeaderString("Retry-After"));
        org.junit.jupiter.api.Assertions.assertEquals("search timed out", ((ApiError) answer.getEntity()).error());
    }
}
