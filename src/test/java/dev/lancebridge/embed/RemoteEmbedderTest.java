package dev.lancebridge.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.support.FakeEmbeddingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A remote embedder sends a big batch as several requests at once and gives the vectors back in order. */
class RemoteEmbedderTest {

    private final FakeEmbeddingServer server = new FakeEmbeddingServer();
    private final HttpClient http = HttpClient.newHttpClient();
    private String root;
    private RemoteEmbedder embedder;

    @BeforeEach
    void start() {
        server.start();
        root = server.baseUrl().replace("/v1", "");
        embedder = new RemoteEmbedder("remote", server.baseUrl(), "sk-test", "fake", FakeEmbeddingServer.DIMENSION,
                Duration.ofSeconds(2), 10, 4);
    }

    @AfterEach
    void stop() {
        embedder.close();
        server.stop();
    }

    @Test
    void aBatchLargerThanOneRequestGoesOutInParallelAndComesBackInOrder() throws Exception {
        control("lagging"); // each answer takes 300 ms
        List<String> texts = IntStream.range(0, 40).mapToObj(i -> "text number " + i).toList();
        long start = System.nanoTime();
        List<float[]> vectors = embedder.embed(texts);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(40, vectors.size());
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(FakeEmbeddingServer.vector(texts.get(i)), vectors.get(i), 1e-6f, "vector " + i);
        }
        JsonNode stats = stats();
        assertEquals(4, stats.get("requests").asInt(), "40 texts in requests of 10");
        assertEquals(4, stats.get("most_open").asInt(), "all four at once");
        assertTrue(millis < 1_100, "four requests of 300 ms in parallel took " + millis + " ms");
    }

    @Test
    void oneRejectedRequestFailsTheBatchAsTheEventsFault() {
        List<String> texts = new ArrayList<>(IntStream.range(0, 30).mapToObj(i -> "fine " + i).toList());
        texts.set(25, "poison pill");
        EmbeddingException failed = assertThrows(EmbeddingException.class, () -> embedder.embed(texts));
        assertTrue(failed.getMessage().contains("input rejected") && !failed.getMessage().contains("sk-test"), failed.getMessage());
    }

    @Test
    void anOutageOfTheEndpointIsUnavailableNotTheEventsFault() throws Exception {
        control("fail");
        List<String> texts = IntStream.range(0, 30).mapToObj(i -> "fine " + i).toList();
        assertThrows(EmbedderUnavailableException.class, () -> embedder.embed(texts));
        assertThrows(EmbedderUnavailableException.class, () -> embedder.embed(texts.subList(0, 3)));
    }

    private void control(String mode) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(root + "/control/" + mode)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode stats() throws Exception {
        return new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(root + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
