package dev.lancebridge.api;

import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1,500 malformed requests, made from the real routes by a seeded random mutator and sent over a
 * raw socket (so that nothing in a client library tidies them up): wrong methods, broken and
 * oversized paths, every key case, bodies of the wrong shape, truncated or random bytes, absurd
 * numbers, garbage SQL and GraphQL. None may answer 5xx or go unanswered.
 */
class ApiFuzzIT {

    private static final String READ_KEY = "fuzz-read-key-8d2c4e6a0b1f3957";
    private static final String ADMIN_KEY = "fuzz-admin-key-1a3c5e7b9d2f4860";
    private static final int REQUESTS = 1_500;

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "G3T", ""};
    private static final String[] PATHS = {"/tables", "/tables/events", "/tables/events/search", "/tables/events/rows",
            "/tables/events/versions", "/tables/events/tags", "/tables/events/tags/x", "/tables/events/maintenance",
            "/tables/events/reembed", "/graphql", "/tables/nope/search", "/tables/%00/rows", "/tables/events/search/extra",
            "/tables/../../etc/passwd", "/tables/events%2Fsearch", "/q/openapi", "/", "/tables//search",
            "/v1/table/", "/v1/table/events/query/", "/v1/table/events/describe/", "/v1/table/events/count_rows/",
            "/v1/table/events/insert/", "/v1/table/events/merge_insert/?on=id&when_matched_update_all=true", "/v1/table/events/delete/",
            "/v1/table/nope/query/", "/v1/table/events/index/x/stats/", "/v1/table/events/update/"};
    private static final String[] TYPES = {"application/json", "text/plain", "application/vnd.apache.arrow.stream",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "*/*", "ü/ä"};
    private static final String[] BODIES = {
            "{\"query\": \"dog\"}", "{\"query\": 5}", "{\"query\": null}", "{\"k\": \"ten\"}", "{\"k\": 99999999999999999999}",
            "{\"k\": -1}", "{\"k\": 1.5}", "{\"vector\": [1, 2, \"x\"]}", "{\"vector\": [null]}", "{\"vector\": []}",
            "{\"vector\": [1e400]}", "{\"vector\": {}}", "{\"mode\": \"sideways\", \"query\": \"x\"}", "{\"filter\": \"1 = = 1\", \"query\": \"x\"}",
            "{\"filter\": \"id = '\\u0000'\", \"query\": \"x\"}", "{\"filter\": \"; DROP TABLE events; --\", \"query\": \"x\"}",
            "{\"columns\": [\"nope\"], \"query\": \"x\"}", "{\"columns\": \"id\", \"query\": \"x\"}", "{\"version\": -5, \"query\": \"x\"}",
            "{\"version\": 999999, \"query\": \"x\"}", "{\"tag\": \"../../x\", \"query\": \"x\"}", "{\"nprobes\": 0, \"query\": \"x\"}",
            "{\"ef\": 2147483648, \"query\": \"x\"}", "{\"exact\": \"yes\", \"query\": \"x\"}", "{\"query\": \"x\", \"mode\": \"hybrid\", \"vector\": [1]}",
            "{\"name\": \"\"}", "{\"name\": \"a b\"}", "{\"name\": \"ok-tag\", \"version\": -3}", "{\"name\": \"ok\", \"version\": 1e30}",
            "[]", "null", "true", "\"string\"", "{", "{\"query\": \"dog\"", "{\"a\":".repeat(2_000), "[".repeat(5_000),
            "{\"query\": \"{ tables { name } }\"}", "{\"query\": \"{ search(table: \\\"events\\\") { id } }\"}",
            "{\"query\": \"{ search(table: \\\"events\\\", query: \\\"x\\\", k: -4) { nope } }\"}", "{\"query\": \"query { \"}",
            "{\"query\": \"{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }\"}",
            "{\"vector\": [], \"k\": 9223372036854775807}", "{\"full_text_query\": {\"query\": 5}}", "{\"predicate\": \"1 = = 1\"}",
            "{\"predicate\": \"id = 'none'\"}", "{\"vector\": [], \"columns\": {\"a\": \"b\"}}", "{\"vector\": [[1], [2]]}",
            "{\"query\": \"mutation { x }\"}", "{\"query\": \"{ table(name: null) { name } }\"}", "{\"variables\": 5, \"query\": \"{ tables { name } }\"}"};
    private static final String[] QUERIES = {"", "?limit=-1", "?limit=abc", "?offset=-9", "?limit=99999999999999999999",
            "?version=0", "?version=x", "?tag=nope", "?tag=a&version=2", "?columns=", "?columns=,,,", "?columns=nope",
            "?filter=%27", "?filter=id%20%3D", "?filter=%00", "?filter=" + "x".repeat(5000), "?%zz=1", "?limit=1&limit=2"};

    @Test
    void malformedRequestsNeverAnswer5xx() throws Exception {
        Path dir = Files.createTempDirectory("bridge-fuzz-it");
        NatsServerRunner nats = LocalNatsServer.start(dir.resolve("nats"), null);
        Path log = Path.of("target", "api-fuzz-it-bridge.log");
        Files.deleteIfExists(log);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        try (BridgeProcess bridge = BridgeProcess.start(nats.getURI(), dir.resolve("store"), log, Map.of(
                "BRIDGE_API_KEYS_FUZZ_KEY", READ_KEY, "BRIDGE_API_KEY", ADMIN_KEY));
             Connection connection = Nats.connect(nats.getURI())) {
            for (int i = 0; i < 5; i++) {
                Events.publish(connection.jetStream(), "events.fuzz", "{\"id\": \"f" + i + "\", \"text\": \"a fuzzy text " + i + "\"}");
            }
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    bridge.exchange("GET", "/tables/events", null, Map.of("x-api-key", READ_KEY)).body().contains("\"rows\":5"));
            int port = Integer.parseInt(bridge.url("/").replaceAll(".*:(\\d+)/$", "$1"));
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                byte[] request = request(random);
                int status;
                try {
                    status = send(port, request);
                } catch (IOException e) {
                    status = -1;
                    failures.add("no answer (" + e + ") to:\n" + printable(request));
                }
                statuses.merge(status, 1, Integer::sum);
                if (status >= 500) {
                    failures.add(status + " for:\n" + printable(request));
                }
            }
            System.out.println("ApiFuzzIT seed " + seed + ": statuses " + statuses);
            assertTrue(failures.isEmpty(), "seed " + seed + " (rerun with -Dfuzz.seed=" + seed + "): " + failures.size()
                    + " failures, e.g.\n" + String.join("\n---\n", failures.subList(0, Math.min(5, failures.size()))));
            assertTrue(bridge.exchange("GET", "/tables/events", null, Map.of("x-api-key", READ_KEY)).status() == 200, "still serving");
        } finally {
            nats.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    private static byte[] request(Random random) {
        String method = pick(random, METHODS);
        String path = pick(random, PATHS) + (random.nextInt(3) == 0 ? pick(random, QUERIES) : "");
        if (random.nextInt(10) == 0) {
            path = path + "/" + "x".repeat(random.nextInt(10_000));
        }
        List<String> headers = new ArrayList<>(List.of("Host: bridge", "Connection: close"));
        switch (random.nextInt(7)) {
            case 0 -> headers.add("x-api-key: " + READ_KEY);
            case 1, 2 -> headers.add("x-api-key: " + ADMIN_KEY);
            case 3 -> headers.add("Authorization: Bearer " + (random.nextBoolean() ? ADMIN_KEY : "wrong"));
            case 4 -> headers.add("Authorization: " + pick(random, new String[]{"Basic Zm9vOmJhcg==", "Bearer", "Bearer   ", "bearer " + READ_KEY, "Token x"}));
            case 5 -> headers.add("x-api-key: " + pick(random, new String[]{"", " ", "ключ", READ_KEY + READ_KEY, "\t" + ADMIN_KEY}));
            default -> { }
        }
        if (random.nextBoolean()) {
            headers.add("Content-Type: " + pick(random, TYPES));
        }
        if (random.nextInt(3) == 0) {
            headers.add("Accept: " + pick(random, TYPES));
        }
        byte[] body;
        switch (random.nextInt(6)) {
            case 0 -> body = new byte[0];
            case 1 -> {
                body = new byte[random.nextInt(2_000)];
                random.nextBytes(body);
            }
            case 2 -> {
                byte[] whole = pick(random, BODIES).getBytes(StandardCharsets.UTF_8);
                body = java.util.Arrays.copyOf(whole, random.nextInt(whole.length + 1)); // truncated
            }
            default -> body = pick(random, BODIES).getBytes(StandardCharsets.UTF_8);
        }
        // sometimes shorter than the body: what follows is then read as a next request, which must be refused too
        boolean lieAboutLength = random.nextInt(15) == 0 && body.length > 0;
        headers.add("Content-Length: " + (lieAboutLength ? random.nextInt(body.length) : body.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((method + " " + path + " HTTP/1.1\r\n" + String.join("\r\n", headers) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The status of the answer; an answer that never comes is a failure (IOException). */
    private static int send(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException refusedMidway) {
                // the server may answer and close before reading everything (a 413, a 431): read what it said
            }
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            if (statusLine.isEmpty()) {
                throw new IOException("closed without an answer");
            }
            if (!statusLine.startsWith("HTTP/1.")) { // Vert.x answers what it cannot parse as HTTP/1.0
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (SocketTimeoutException e) {
            throw new IOException("no answer within 60 s", e);
        }
    }

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String printable(byte[] request) {
        String text = new String(request, 0, Math.min(request.length, 600), StandardCharsets.UTF_8);
        return text.replaceAll("[^\\x20-\\x7e\\r\\n]", "?");
    }
}
