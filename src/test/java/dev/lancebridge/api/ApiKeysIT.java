package dev.lancebridge.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.BridgeProcess.Exchange;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged bridge with a read key and an admin key: every API route, over REST and GraphQL,
 * called with no key, a wrong key, the read key and the admin key. Health and metrics stay open.
 */
class ApiKeysIT {

    private static final String READ_KEY = "read-key-5b1f0c9e2d7a4386";
    private static final String ADMIN_KEY = "admin-key-91d3e6f2a8c04b57";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static NatsServerRunner nats;
    private static BridgeProcess bridge;

    /** A route, its body, and whether it needs the admin role. */
    private record Route(String method, String path, String body, String accept, boolean admin) {
        @Override
        public String toString() {
            return method + " " + path + (accept == null ? "" : " (" + accept + ")");
        }
    }

    /** Who calls: the headers it sends. */
    private enum Caller {
        NONE(Map.of()),
        WRONG(Map.of("x-api-key", "wrong-key-0000000000000000")),
        WRONG_BEARER(Map.of("Authorization", "Bearer wrong-key-0000000000000000")),
        READ(Map.of("x-api-key", READ_KEY)),
        ADMIN(Map.of("Authorization", "Bearer " + ADMIN_KEY));

        final Map<String, String> headers;

        Caller(Map<String, String> headers) {
            this.headers = headers;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bridge-keys-it");
        nats = LocalNatsServer.start(dir.resolve("nats"), null);
        bridge = BridgeProcess.start(nats.getURI(), dir.resolve("store"), Path.of("target", "api-keys-it-bridge.log"), Map.of(
                "BRIDGE_API_KEYS_ANALYST_KEY", READ_KEY,
                "BRIDGE_API_KEYS_ANALYST_ROLE", "read",
                "BRIDGE_API_KEY", ADMIN_KEY));
        try (Connection connection = Nats.connect(nats.getURI())) {
            for (int i = 0; i < 3; i++) {
                Events.publish(connection.jetStream(), "events.keys", "{\"id\":\"k" + i + "\",\"text\":\"a small red fox " + i + "\"}");
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (nats != null) {
            nats.close();
        }
        TestFiles.deleteRecursively(dir);
    }

    private static List<Route> routes() {
        String arrow = "application/vnd.apache.arrow.stream";
        String search = "{\"query\":\"fox\",\"k\":2}";
        return List.of(
                new Route("GET", "/tables", null, null, false),
                new Route("GET", "/tables/events", null, null, false),
                new Route("GET", "/tables/events/versions", null, null, false),
                new Route("GET", "/tables/events/tags", null, null, false),
                new Route("GET", "/tables/events/reembed", null, null, false),
                new Route("POST", "/tables/events/search", search, null, false),
                new Route("POST", "/tables/events/search", search, arrow, false),
                new Route("GET", "/tables/events/rows?limit=2", null, null, false),
                new Route("GET", "/tables/events/rows?limit=2", null, arrow, false),
                new Route("POST", "/graphql", "{\"query\":\"{ tables { name rows } }\"}", null, false),
                new Route("POST", "/graphql", "{\"query\":\"{ search(table: \\\"events\\\", query: \\\"fox\\\", k: 2) { id } }\"}", null, false),
                new Route("GET", "/v1/table/", null, null, false),
                new Route("POST", "/v1/table/events/describe/", "{\"version\":null}", null, false),
                new Route("POST", "/v1/table/events/count_rows/", "{\"version\":null}", null, false),
                new Route("POST", "/v1/table/events/query/", "{\"vector\":[],\"k\":2}", null, false),
                new Route("POST", "/v1/table/events/index/list/", "{\"version\":null}", null, false),
                new Route("POST", "/v1/table/events/version/list/", null, null, false),
                new Route("POST", "/v1/table/events/delete/", "{\"predicate\":\"id = 'none'\"}", null, true),
                new Route("POST", "/tables/events/maintenance", null, null, true),
                new Route("POST", "/tables/events/reembed", null, null, true),
                new Route("POST", "/tables/events/tags", "{\"name\":\"matrix\"}", null, true),
                new Route("DELETE", "/tables/events/tags/matrix", null, null, true));
    }

    @Test
    void everyRouteAnswersEachCallerByItsRole() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Caller caller : Caller.values()) {
            for (Route route : routes()) {
                Map<String, String> headers = new LinkedHashMap<>(caller.headers);
                if (route.accept != null) {
                    headers.put("Accept", route.accept);
                }
                Exchange answer = bridge.exchange(route.method, route.path, route.body, headers);
                String expected = switch (caller) {
                    case NONE, WRONG, WRONG_BEARER -> "401";
                    case READ -> route.admin ? "403" : "allowed";
                    case ADMIN -> "allowed";
                };
                boolean ok = switch (expected) {
                    case "401" -> answer.status() == 401
                            && "Bearer realm=\"lance-event-bridge\"".equals(answer.header("WWW-Authenticate"))
                            && JSON.readTree(answer.body()).path("error").asText().equals("unauthorized");
                    case "403" -> answer.status() == 403 && JSON.readTree(answer.body()).path("error").asText().equals("forbidden");
                    // allowed: whatever the route answers on its own (a re-embed of a table that is not held is 409)
                    default -> answer.status() != 401 && answer.status() != 403 && answer.status() < 500
                            && !(route.path.equals("/graphql") && answer.body().contains("\"errors\""));
                };
                if (!ok) {
                    wrong.add(caller + " " + route + ": expected " + expected + ", got " + answer.status() + " " + answer.body());
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void healthAndMetricsStayOpenOnTheManagementPort() {
        assertEquals(200, bridge.status("/q/health/ready"));
        assertEquals(200, bridge.status("/q/health/live"));
        assertEquals(200, bridge.status("/q/metrics"));
    }

    @Test
    void anAdminTagPinsAVersionUntilItIsDeleted() throws Exception {
        Map<String, String> admin = Caller.ADMIN.headers;
        Exchange created = bridge.exchange("POST", "/tables/events/tags", "{\"name\":\"release-1\"}", admin);
        assertEquals(201, created.status(), created.body());
        assertTrue(bridge.exchange("GET", "/tables/events/tags", null, admin).body().contains("release-1"));
        assertEquals(204, bridge.exchange("DELETE", "/tables/events/tags/release-1", null, admin).status());
        assertTrue(!bridge.exchange("GET", "/tables/events/tags", null, admin).body().contains("release-1"));
        Exchange again = bridge.exchange("DELETE", "/tables/events/tags/release-1", null, admin);
        assertEquals(404, again.status(), again.body());
        assertTrue(again.body().contains("has no tag 'release-1'"), again.body());
    }
}
