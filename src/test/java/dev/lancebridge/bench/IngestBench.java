package dev.lancebridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.embed.InProcessEmbedder;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.store.RawLanceAppend;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsMessage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Ingest figures of the packaged bridge next to its raw building blocks, measured in one run on
 * WordNet glosses: the in-process embedder alone, raw Lance appends of the same rows, raw
 * JetStream fetch+ack of the same messages, and publish-to-searchable freshness.
 * Run with {@code bench/run [--quick]}; writes {@code bench/results/latest.json} and {@code latest.md}.
 */
public final class IngestBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;

    private final boolean quick;
    private final Path work;
    private final ObjectNode results = JSON.createObjectNode();
    private final List<String[]> table = new ArrayList<>();

    private IngestBench(boolean quick, Path work) {
        this.quick = quick;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        Path work = Files.createTempDirectory("bridge-bench");
        try {
            new IngestBench(quick, work).run();
        } finally {
            TestFiles.deleteRecursively(work);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        int texts = quick ? 1000 : 3000;
        int provided = quick ? 10000 : 40000;
        List<String> glosses = Glosses.load(Math.max(texts, provided));
        results.put("revision", git("rev-parse", "--short", "HEAD"));
        results.put("time", Instant.now().toString());
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("mode", quick ? "quick" : "full");

        // 1. the raw embedder on the texts the bridge will embed
        InProcessEmbedder embedder = new InProcessEmbedder(Runtime.getRuntime().availableProcessors());
        embedder.embed(glosses.subList(0, 50)); // warm-up: model load, JIT
        List<float[]> vectors = new ArrayList<>(provided);
        long start = System.nanoTime();
        for (int from = 0; from < texts; from += BATCH) {
            vectors.addAll(embedder.embed(glosses.subList(from, Math.min(texts, from + BATCH))));
        }
        double rawEmbed = texts / seconds(start);
        for (int from = texts; from < provided; from += BATCH) {
            vectors.addAll(embedder.embed(glosses.subList(from, Math.min(provided, from + BATCH))));
        }
        embedder.close();

        // 2. the bridge embedding in-process, vs the raw embedder
        try (Broker broker = new Broker(work.resolve("nats-embed"))) {
            publishBacklog(broker, glosses.subList(0, texts), null);
            try (BridgeProcess bridge = startAndDrain(broker, work.resolve("store-embed"), "embed", texts, "drain_embed")) {
                record("ingest, in-process embedding (" + texts + " glosses)", results.get("drain_embed").asDouble(), "events/s",
                        "raw MiniLM embedder", rawEmbed, "texts/s");
                results.put("rss_mib_after_embed_ingest", bridge.rssMiB());
                // 3. freshness: single events at a steady low rate, publish -> visible in search
                freshness(broker, bridge, quick ? 30 : 100, glosses);
            }
        }

        // 4. vectors provided (embedder out of the path), vs raw JetStream fetch+ack and raw Lance append
        List<Row> rows = new ArrayList<>(provided);
        for (int i = 0; i < provided; i++) {
            rows.add(new Row("p-" + i, glosses.get(i), vectors.get(i), Row.PROVIDED, "events.bench", i + 1, System.currentTimeMillis()));
        }
        RawLanceAppend.rowsPerSecond(work.resolve("warmup.lance"), rows.subList(0, 2000), BATCH, 384, InProcessEmbedder.MODEL);
        double rawAppend = RawLanceAppend.rowsPerSecond(work.resolve("raw.lance"), rows, BATCH, 384, InProcessEmbedder.MODEL);
        double rawAppend100 = RawLanceAppend.rowsPerSecond(work.resolve("raw100.lance"), rows.subList(0, Math.min(provided, 10000)), 100, 384, InProcessEmbedder.MODEL);
        try (Broker broker = new Broker(work.resolve("nats-provided"))) {
            publishBacklog(broker, glosses.subList(0, provided), vectors);
            BridgeProcess bridge = startAndDrain(broker, work.resolve("store-provided"), "provided", provided, "drain_provided");
            double bridgeProvided = results.get("drain_provided").asDouble();
            results.put("rss_mib_after_provided_ingest", bridge.rssMiB());
            bridge.close();
            double rawFetchAck = rawFetchAck(broker, provided);
            record("ingest, vectors provided (" + provided + " events)", bridgeProvided, "events/s",
                    "raw Lance append, batch " + BATCH, rawAppend, "rows/s");
            record("ingest, vectors provided (" + provided + " events)", bridgeProvided, "events/s",
                    "raw JetStream fetch+ack, batch " + BATCH, rawFetchAck, "msgs/s");
            results.put("raw_lance_append_batch100_rows_per_s", Math.round(rawAppend100));
            table.add(new String[] {"raw Lance append, batch 100 (reference)", "", fmt(rawAppend100) + " rows/s", ""});
        }
        write();
    }

    /** Publishes {@code texts} (with {@code vectors} when given) to the stream before any bridge runs. */
    private void publishBacklog(Broker broker, List<String> texts, List<float[]> vectors) throws Exception {
        JetStream js = broker.connection.jetStream();
        long start = System.nanoTime();
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            ObjectNode event = JSON.createObjectNode().put("id", (vectors == null ? "t-" : "p-") + i).put("text", texts.get(i));
            if (vectors != null) {
                var array = event.putArray("vector");
                for (float v : vectors.get(i)) {
                    array.add(v);
                }
            }
            acks.add(js.publishAsync(NatsMessage.builder().subject("events.bench")
                    .data(JSON.writeValueAsBytes(event)).build()));
            if (acks.size() >= 2000) {
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
                acks.clear();
            }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
        System.out.printf("published a backlog of %d events in %.1f s%n", texts.size(), seconds(start));
    }

    /**
     * Starts the bridge on a stream holding a backlog of {@code total} events and returns its drain
     * rate: events acked (= committed: the bridge acks only after the commit) per second, from its
     * first ack to its last. Polls JetStream, not the bridge, so the measurement adds no load to it.
     */
    private BridgeProcess startAndDrain(Broker broker, Path store, String name, long total, String key) throws Exception {
        var jsm = broker.connection.jetStreamManagement();
        BridgeProcess bridge = BridgeProcess.start(broker.url(), store, log(name));
        long firstAckNanos = 0;
        long ackedAtFirst = 0;
        while (true) {
            var consumer = jsm.getConsumerInfo("EVENTS", "bridge-events");
            long acked = total - consumer.getNumPending() - consumer.getNumAckPending();
            if (firstAckNanos == 0 && acked > 0) {
                firstAckNanos = System.nanoTime();
                ackedAtFirst = acked;
            }
            if (acked == total) {
                break;
            }
            Thread.sleep(5);
        }
        double rate = (total - ackedAtFirst) / seconds(firstAckNanos);
        long rows = bridge.get("/tables/events").get("rows").asLong();
        if (rows != total) {
            bridge.close();
            throw new IllegalStateException("expected " + total + " rows, found " + rows);
        }
        results.put(key, rate);
        return bridge;
    }

    private void freshness(Broker broker, BridgeProcess bridge, int count, List<String> glosses) throws Exception {
        JetStream js = broker.connection.jetStream();
        String probe = IntStream.range(0, 384).mapToObj(i -> i == 0 ? "1" : "0").collect(Collectors.joining(",", "[", "]"));
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "fresh-" + i;
            long start = System.nanoTime();
            js.publish("events.fresh", JSON.writeValueAsBytes(Map.of("id", id, "text", glosses.get(i))));
            String search = "{\"vector\": " + probe + ", \"k\": 1, \"filter\": \"id = '" + id + "'\"}";
            while (bridge.post("/tables/events/search", search).get("hits").isEmpty()) {
                Thread.sleep(2);
            }
            latencies.add((System.nanoTime() - start) / 1e6);
            Thread.sleep(200); // a steady trickle of ~4-5 events/s, each alone in its batch
        }
        latencies.sort(Double::compare);
        double p50 = latencies.get(latencies.size() / 2);
        double p99 = latencies.get((int) Math.min(latencies.size() - 1, Math.ceil(latencies.size() * 0.99) - 1));
        double max = latencies.get(latencies.size() - 1);
        results.put("freshness_single_events", count);
        results.put("freshness_p50_ms", Math.round(p50));
        results.put("freshness_p99_ms", Math.round(p99));
        results.put("freshness_max_ms", Math.round(max));
        table.add(new String[] {"freshness, single events with embedding (" + count + ")",
                "p50 " + Math.round(p50) + " ms, p99 " + Math.round(p99) + " ms, max " + Math.round(max) + " ms", "goal: p50 < 1000 ms", ""});
    }

    /** A second durable consumer on the same messages: fetch batches and ack every message, nothing else. */
    private double rawFetchAck(Broker broker, int expected) throws Exception {
        JetStreamSubscription sub = broker.connection.jetStream().subscribe("events.>",
                PullSubscribeOptions.builder().durable("raw-bench").build());
        long start = System.nanoTime();
        int seen = 0;
        while (seen < expected) {
            List<Message> batch = sub.fetch(BATCH, Duration.ofMillis(100));
            batch.forEach(Message::ack);
            seen += batch.size();
        }
        broker.connection.flush(Duration.ofSeconds(5));
        return seen / seconds(start);
    }

    private void record(String what, double value, String unit, String versus, double raw, String rawUnit) {
        String key = what.replaceAll("[^a-z0-9]+", "_");
        ObjectNode entry = results.putObject(key + "_vs_" + versus.replaceAll("[^a-z0-9]+", "_"));
        entry.put("bridge", Math.round(value));
        entry.put("raw", Math.round(raw));
        entry.put("ratio", Math.round(value / raw * 100) / 100.0);
        table.add(new String[] {what, fmt(value) + " " + unit, versus + ": " + fmt(raw) + " " + rawUnit,
                String.format("%.2f×", value / raw)});
    }

    private void write() throws Exception {
        Path dir = Path.of("bench", "results");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("latest.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        StringBuilder md = new StringBuilder("| figure | bridge | raw building block (same run) | ratio |\n|---|---|---|---|\n");
        table.forEach(row -> md.append("| ").append(String.join(" | ", row)).append(" |\n"));
        md.append("\nrevision ").append(results.get("revision").asText()).append(", ").append(results.get("mode").asText())
                .append(" run, ").append(results.get("cores").asInt()).append(" cores, ").append(results.get("time").asText())
                .append("; bridge RSS after ingest: ").append(results.path("rss_mib_after_embed_ingest").asLong()).append(" MiB (embedding), ")
                .append(results.path("rss_mib_after_provided_ingest").asLong()).append(" MiB (vectors provided)\n");
        Files.writeString(dir.resolve("latest.md"), md.toString());
        System.out.println(md);
    }

    private Path log(String name) {
        return Path.of("target", "bench-bridge-" + name + ".log");
    }

    private static String fmt(double value) {
        return String.format("%,.0f", value);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String git(String... args) {
        try {
            List<String> command = new ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).start();
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** A nats-server with the EVENTS stream, for one measurement. */
    private static final class Broker implements AutoCloseable {
        private final NatsServerRunner server;
        private final Connection connection;

        Broker(Path dir) throws Exception {
            server = LocalNatsServer.start(dir, null);
            connection = Nats.connect(server.getURI());
            connection.jetStreamManagement().addStream(StreamConfiguration.builder()
                    .name("EVENTS").subjects("events.>").build());
        }

        String url() {
            return server.getURI();
        }

        @Override
        public void close() throws Exception {
            connection.close();
            server.close();
        }
    }
}
