package dev.lancebridge.support;

import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** HTTP contract helpers shared by the REST tests. */
public final class Api {

    private Api() {
    }

    /** A search on table events with {@code body} is refused with 400 and a detail naming the problem. */
    public static void expect400(String body, String detail) {
        given().contentType(ContentType.JSON).body(body).post("/tables/events/search").then()
                .statusCode(400).body("error", equalTo("invalid search")).body("detail", containsString(detail));
    }
}
