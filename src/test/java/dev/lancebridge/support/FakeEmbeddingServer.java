package dev.lancebridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible embeddings endpoint on loopback ({@code POST /v1/embeddings}) that answers
 * 8-dimensional vectors derived from each text, and that a test can make fail (503) or hang past
 * the client's timeout: {@code POST /control/ok|fail|slow}, or answer each request after 300 ms
 * ({@code lagging}). {@code GET /stats} counts requests, the texts it embedded and the most
 * requests it had open at once. Controlled over HTTP because the test and this resource may not share a class loader.
 */
public class FakeEmbeddingServer implements QuarkusTestResourceLifecycleManager {

    public static final int DIMENSION = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private volatile String mode = "ok";
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger texts = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/embeddings", this::embeddings);
        server.createContext("/control/", exchange -> {
            mode = exchange.getRequestURI().getPath().substring("/control/".length());
            answer(exchange, 200, "{}");
        });
        server.createContext("/stats", exchange -> answer(exchange, 200,
                "{\"requests\":" + requests.get() + ",\"texts\":" + texts.get() + ",\"most_open\":" + mostOpen.get() + "}"));
        server.start();
        return Map.of("bridge.embedders.remote.base-url", baseUrl());
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void embeddings(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        try {
            answerEmbeddings(exchange);
        } finally {
            open.decrementAndGet();
        }
    }

    private void answerEmbeddings(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        switch (mode) {
            case "fail" -> {
                answer(exchange, 503, "{\"error\":{\"message\":\"model is loading\",\"type\":\"server_error\"}}");
                return;
            }
            case "slow" -> {
                // past the client's timeout: it has given up by then, so this answer embeds (and counts) nothing
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(exchange, 504, "{\"error\":{\"message\":\"too late\"}}");
                return;
            }
            case "lagging" -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            default -> {
            }
        }
        JsonNode input = request.path("input");
        for (JsonNode text : input) {
            if (text.asText().contains("poison")) {
                // as OpenAI answers an input it will not embed: the request's fault, not an outage
                // and, as some endpoints do, repeating the credentials it was sent
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                answer(exchange, 400, "{\"error\":{\"message\":\"input rejected: " + text.asText()
                        + (authorization == null ? "" : " (request sent with " + authorization + ")")
                        + "\",\"type\":\"invalid_request_error\"}}");
                return;
            }
        }
        ObjectNode response = JSON.createObjectNode().put("object", "list").put("model", request.path("model").asText());
        ArrayNode data = response.putArray("data");
        for (int i = 0; i < input.size(); i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode embedding = item.putArray("embedding");
            for (float value : vector(input.get(i).asText())) {
                embedding.add(value);
            }
        }
        texts.addAndGet(input.size());
        response.putObject("usage").put("prompt_tokens", 0).put("total_tokens", 0);
        answer(exchange, 200, JSON.writeValueAsString(response));
    }

    /** The vector this server answers for {@code text}: unit length, from its SHA-256. */
    public static float[] vector(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            float[] vector = new float[DIMENSION];
            double norm = 0;
            for (int i = 0; i < DIMENSION; i++) {
                vector[i] = digest[i] / 128f + 0.01f;
                norm += vector[i] * vector[i];
            }
            for (int i = 0; i < DIMENSION; i++) {
                vector[i] /= (float) Math.sqrt(norm);
            }
            return vector;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
