package dev.lancebridge.api;

import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.BridgeProcess.Exchange;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 64 clients flood the packaged bridge (default limits) with brute-force k=1000 hybrid searches
 * while events keep arriving: every search is answered or shed with 429 and Retry-After, none
 * hangs, nothing answers 5xx, and ingest stays fresh (measured against the same bridge before the
 * flood). Exports have slots of their own, and a client that stops reading gives its slot back
 * when it goes away.
 */
class SearchFloodIT {

    private static final int DIMENSION = 384;
    private static final int ROWS = 10_000;
    private static final int CLIENTS = 64;
    private static final Random RANDOM = new Random(7);

    @Test
    void aFloodOfExpensiveSearchesIsShedWhileIngestKeepsItsFreshness() throws Exception {
        Path dir = Files.createTempDirectory("bridge-flood-it");
        NatsServerRunner nats = LocalNatsServer.start(dir.resolve("nats"), null);
        Path log = Path.of("target", "search-flood-it-bridge.log");
        Files.deleteIfExists(log);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
        try (BridgeProcess bridge = BridgeProcess.start(nats.getURI(), dir.resolve("store"), log, Map.of(
                "BRIDGE_TABLES_FLOOD_STREAM", "FLOOD", "BRIDGE_TABLES_FLOOD_SUBJECTS", "flood.>",
                "BRIDGE_TABLES_FLOOD_EMBEDDER", "vectors",
                "BRIDGE_EMBEDDERS_VECTORS_PROVIDER", "provided", "BRIDGE_EMBEDDERS_VECTORS_DIMENSION", String.valueOf(DIMENSION)));
             Connection connection = Nats.connect(nats.getURI())) {
            JetStream js = connection.jetStream();
            List<String> glosses = Events.wordnetSamples();
            for (int i = 0; i < ROWS; i++) {
                js.publishAsync("flood.rows", event("r" + i, textOf(glosses.get(i % glosses.size()))).getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> bridge.get("/tables/flood").path("rows").asLong() >= ROWS);

            List<Long> quiet = freshness(bridge, js, "quiet", 8, new AtomicBoolean(true));

            // the flood: 64 clients, each sending its next search as soon as the last is answered
            AtomicBoolean flooding = new AtomicBoolean(true);
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> running = new ArrayList<>();
            String search = "{\"query\": \"animal\", \"vector\": " + vector() + ", \"mode\": \"hybrid\", \"k\": 1000, \"exact\": true}";
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    while (flooding.get()) {
                        try {
                            Exchange answer = bridge.exchange("POST", "/tables/flood/search", search, Map.of());
                            statuses.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
                            if (answer.status() == 429 && !"1".equals(answer.header("Retry-After"))) {
                                failures.add("429 without Retry-After");
                            }
                        } catch (Exception e) {
                            failures.add(e.toString()); // a read timeout (120 s) is a hang
                        }
                    }
                }));
            }
            List<Long> flooded = freshness(bridge, js, "flooded", 8, flooding);
            flooding.set(false);
            for (Future<?> client : running) {
                client.get(3, TimeUnit.MINUTES);
            }

            String figures = "statuses " + statuses + "; freshness ms quiet " + quiet + ", under the flood " + flooded;
            System.out.println("SearchFloodIT: " + figures);
            assertTrue(failures.isEmpty(), failures.stream().limit(5).collect(Collectors.joining("\n")));
            assertEquals(Map.of(200, true, 429, true), Map.of(200, statuses.containsKey(200), 429, statuses.containsKey(429)), figures);
            assertTrue(statuses.keySet().stream().allMatch(s -> s == 200 || s == 429), figures);
            assertTrue(flooded.stream().allMatch(ms -> ms < 15_000), "ingest kept going under the flood: " + figures);
            assertEquals(200, bridge.exchange("POST", "/tables/flood/search", search, Map.of()).status(), "after the flood");

            exportsHaveSlotsOfTheirOwn(bridge);
        } finally {
            clients.shutdownNow();
            nats.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    /** Two clients that stop reading hold both export slots; a third export is shed; closing them frees the slots. */
    private static void exportsHaveSlotsOfTheirOwn(BridgeProcess bridge) throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket socket = new Socket("127.0.0.1", Integer.parseInt(bridge.url("/").replaceAll(".*:(\\d+)/$", "$1")));
                socket.setReceiveBufferSize(4096);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /tables/flood/rows?columns=id,text,vector HTTP/1.1\r\nHost: bridge\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                assertTrue(new String(in.readNBytes(12), StandardCharsets.US_ASCII).endsWith("200"), "the export starts");
                stalled.add(socket); // and is never read further
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> bridge.exchange("GET", "/tables/flood/rows?limit=1", null, Map.of()).status() == 429);
            Exchange shed = bridge.exchange("GET", "/tables/flood/rows?limit=1", null, Map.of());
            assertEquals("1", shed.header("Retry-After"));
            assertTrue(shed.body().contains("\"error\":\"too many requests\""), shed.body());
            assertEquals(200, bridge.exchange("POST", "/tables/flood/search", "{\"vector\": " + vector() + ", \"k\": 3}", Map.of()).status(),
                    "searches have slots of their own");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> bridge.exchange("GET", "/tables/flood/rows?limit=1", null, Map.of()).status() == 200);
    }

    /** Milliseconds from publishing an event to finding it with a filtered export, {@code count} times while {@code during}. */
    private static List<Long> freshness(BridgeProcess bridge, JetStream js, String label, int count, AtomicBoolean during) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < count && during.get(); i++) {
            String id = label + "-" + i;
            long published = System.nanoTime();
            js.publish("flood.fresh", event(id, "fresh marker " + id).getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    bridge.exchange("GET", "/tables/flood/rows?limit=1&columns=id&filter=id%3D%27" + id + "%27", null, Map.of()).body().contains(id));
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published));
        }
        return millis;
    }

    private static String event(String id, String text) {
        return "{\"id\": \"" + id + "\", \"text\": \"" + text + "\", \"vector\": " + vector() + "}";
    }

    private static String vector() {
        StringBuilder vector = new StringBuilder("[");
        for (int i = 0; i < DIMENSION; i++) {
            vector.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "%.4f", RANDOM.nextFloat() - 0.5f));
        }
        return vector.append(']').toString();
    }

    private static String textOf(String sampleJson) {
        return sampleJson.replaceAll(".*\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\".*", "$1");
    }
}
