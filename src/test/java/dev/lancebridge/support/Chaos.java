package dev.lancebridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lancebridge.dev.LocalNatsServer;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * A fault run against the packaged bridge: a producer streams inserts, updates, deletes and
 * malformed events while the bridge is SIGKILLed again and again and nats-server is killed once;
 * then the final table is compared row by row with what was published. Used by {@code ChaosIT}
 * (a few loops) and {@code bench/run --only chaos} (many).
 */
public final class Chaos {

    /** What a run did and what it found; every fault figure should be 0 but {@code deadLettered == malformed}. */
    public record Figures(int published, int kills, int natsKills, int malformed, long deadLettered,
                          long lost, long doubled, long stale, long resurrected) {
    }

    /** Vectors come with the events (4 dimensions): the bridge is bound by its pipeline, not a model. */
    public static final Map<String, String> TABLE = Map.of(
            "BRIDGE_EMBEDDERS_VEC_PROVIDER", "provided", "BRIDGE_EMBEDDERS_VEC_DIMENSION", "4",
            "BRIDGE_TABLES_EVENTS_EMBEDDER", "vec", "BRIDGE_INGEST_BATCH_SIZE", "100");

    private final Path dir;
    private final Random random;
    /** id -> the text the table must end with; null for a deleted id. */
    private final Map<String, String> expected = new HashMap<>();
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicInteger malformed = new AtomicInteger();
    private NatsServerRunner server;
    private int port;

    public Chaos(Path dir, long seed) {
        this.dir = dir;
        this.random = new Random(seed);
    }

    /** {@code loops} SIGKILLs of the bridge (nats-server killed in the middle one), then the comparison. */
    public Figures run(int loops) throws Exception {
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        port = server.getPort();
        Path store = dir.resolve("store");
        Path log = dir.resolve("bridge.log");
        AtomicBoolean producing = new AtomicBoolean(true);
        int natsKills = 0;
        try (Connection nats = Nats.connect(Options.builder().server(server.getURI()).maxReconnects(-1).build())) {
            Thread producer = new Thread(() -> produce(nats, producing), "chaos-producer");
            producer.start();
            try {
                for (int loop = 0; loop < loops; loop++) {
                    BridgeProcess bridge = BridgeProcess.start(server.getURI(), store, log, TABLE);
                    Thread.sleep(500 + random.nextInt(2500));
                    if (loop == loops / 2) {
                        killNats();
                        natsKills++;
                        Thread.sleep(1000);
                        server = LocalNatsServer.start(dir.resolve("nats"), port);
                        Thread.sleep(random.nextInt(2000));
                    }
                    bridge.kill();
                }
            } finally {
                producing.set(false);
                producer.join();
            }
            try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), store, log, TABLE)) {
                Events.awaitCaughtUp(nats.jetStreamManagement(), Duration.ofMinutes(3));
                long deadLettered = nats.jetStreamManagement().getStreamInfo("BRIDGE_DLQ").getStreamState().getMsgCount();
                return compare(bridge, loops, natsKills, deadLettered);
            }
        } finally {
            server.close();
        }
    }

    private Figures compare(BridgeProcess bridge, int kills, int natsKills, long deadLettered) throws Exception {
        Map<String, Integer> copies = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        for (JsonNode row : bridge.get("/tables/events/rows?columns=id,text").get("rows")) {
            copies.merge(row.get("id").asText(), 1, Integer::sum);
            texts.put(row.get("id").asText(), row.get("text").asText());
        }
        long lost = 0;
        long stale = 0;
        long resurrected = 0;
        for (var entry : expected.entrySet()) {
            String stored = texts.get(entry.getKey());
            if (entry.getValue() == null) {
                resurrected += stored == null ? 0 : 1;
            } else if (stored == null) {
                lost++;
            } else if (!stored.equals(entry.getValue())) {
                stale++;
            }
        }
        long doubled = copies.values().stream().filter(count -> count > 1).count();
        return new Figures(published.get(), kills, natsKills, malformed.get(), deadLettered, lost, doubled, stale, resurrected);
    }

    /** Publishes until told to stop, each event retried (same message id) until JetStream has it: publish order is stream order. */
    private void produce(Connection nats, AtomicBoolean producing) {
        int ids = 0;
        try {
            JetStream js = nats.jetStream();
            while (producing.get()) {
                int dice = random.nextInt(20);
                String id;
                Headers headers = new Headers();
                String payload;
                String text = null;
                if (dice < 12 || ids < 20) {
                    id = "k-" + ids++;
                    text = "first text of " + id;
                    payload = row(id, text);
                } else if (dice < 16) {
                    id = "k-" + random.nextInt(ids);
                    text = "text " + published.get() + " of " + id;
                    payload = row(id, text);
                } else if (dice < 19) {
                    id = "k-" + random.nextInt(ids);
                    headers.put("Bridge-Op", "delete");
                    payload = "{\"id\": \"" + id + "\"}";
                } else {
                    id = null;
                    payload = "not json #" + published.get();
                }
                String msgId = "chaos-" + published.get();
                headers.put("Nats-Msg-Id", msgId);
                NatsMessage message = NatsMessage.builder().subject("events.chaos").headers(headers)
                        .data(payload.getBytes(StandardCharsets.UTF_8)).build();
                await().atMost(Duration.ofMinutes(3)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> js.publish(message, PublishOptions.builder().messageId(msgId).build()) != null);
                published.incrementAndGet();
                if (id == null) {
                    malformed.incrementAndGet();
                } else {
                    expected.put(id, text);
                }
                Thread.sleep(2);
            }
        } catch (Exception e) {
            throw new IllegalStateException("the chaos producer failed after " + published.get() + " events", e);
        }
    }

    private String row(String id, String text) {
        return "{\"id\": \"" + id + "\", \"text\": \"" + text + "\", \"vector\": [" + (1 + random.nextInt(9)) + ", 1, 0, 0]}";
    }

    /** SIGKILL, as an OOM kill would: no shutdown, whatever was in flight. */
    private void killNats() {
        String storeDir = dir.resolve("nats").toAbsolutePath().toString();
        ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(storeDir))
                .forEach(ProcessHandle::destroyForcibly);
        try {
            server.close();
        } catch (Exception e) {
            // already gone
        }
    }
}
