package dev.lancebridge.bench;

import dev.lancebridge.embed.Embedders;
import dev.lancebridge.embed.InProcessEmbedder;
import dev.lancebridge.embed.InProcessModel;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.store.RawLanceAppend;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.Scrape;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Ingest throughput: vectors provided at batch sizes 100 and 1000 (vs raw Lance append and raw
 * JetStream fetch+ack at the same batch size), and embedding with each in-process model (vs that
 * raw embedder), with the share of the time spent embedding and the bridge's CPU use.
 */
final class IngestFigures {

    private final Bench bench;

    IngestFigures(Bench bench) {
        this.bench = bench;
    }

    /**
     * One drain of events that carry their vectors: the bridge's batch size (null: its default),
     * the vector's form, how many events, and the ack the rates are timed from.
     */
    private record Case(Integer batch, boolean base64, int events, int timedFrom) {
        /** The batch the raw parts and the peer use: the bridge's default is 500. */
        int rawBatch() {
            return batch == null ? 500 : batch;
        }

        String label() {
            return (batch == null ? "defaults (batch 500)" : "batch " + batch) + (base64 ? ", vectors as base64" : "") + " (" + events
                    + " events)";
        }

        String key() {
            return (batch == null ? "defaults" : "b" + batch) + (base64 ? "_base64" : "");
        }
    }

    /**
     * Events that carry their vectors, at the defaults and at batch 100 and 1000, as JSON arrays
     * and as base64: the bridge against the raw parts and, for arrays, the hand-written peer.
     */
    void provided() throws Exception {
        // Long enough for the JIT: in a 100k drain timed from the 10,000th ack, C2 still took ~0.4 of the 2 cores.
        // Batch 100 drains less: the peer's merge-insert at batch 100 into a table of 100k+ rows ran at ~350 events/s.
        int provided = bench.quick ? 20_000 : 300_000;
        int timedFrom = bench.quick ? 10_000 : 100_000;
        int shorter = bench.quick ? provided : 100_000;
        List<byte[]> arrays = Events.provided(bench.corpus, 0, provided, false);
        List<byte[]> base64 = Events.provided(bench.corpus, 0, provided, true);
        List<Row> rows = new ArrayList<>(provided);
        for (int i = 0; i < provided; i++) {
            rows.add(new Row("p-" + i, bench.corpus.text(i), bench.corpus.vector(i), Row.PROVIDED, "events.bench", i + 1, 0));
        }
        RawLanceAppend.rowsPerSecond(bench.work.resolve("warmup.lance"), rows.subList(0, 2000), 500, 384, InProcessEmbedder.MODEL);
        for (Case drained : List.of(new Case(null, false, provided, timedFrom), new Case(100, false, shorter, (int) Drain.WARM_UP),
                new Case(1000, false, provided, timedFrom), new Case(1000, true, provided, timedFrom))) {
            int batch = drained.rawBatch();
            int events = drained.events();
            ProcessUsage beforeAppend = ProcessUsage.self();
            double rawAppend = RawLanceAppend.rowsPerSecond(bench.work.resolve("raw-" + drained.key() + ".lance"), rows.subList(0, events),
                    batch, 384, InProcessEmbedder.MODEL);
            RawPart append = new RawPart(rawAppend, ProcessUsage.self().minus(beforeAppend).cpuMs() * 1000 / events);
            try (Broker broker = new Broker(bench.work.resolve("nats-provided-" + drained.key()))) {
                broker.publishAll("events.bench", (drained.base64() ? base64 : arrays).subList(0, events));
                Drain drain;
                Map<String, String> env = drained.batch() == null ? Map.of() : Map.of("BRIDGE_INGEST_BATCH_SIZE", Integer.toString(batch));
                try (BridgeProcess bridge = BridgeProcess.start(broker.url(), bench.work.resolve("store-provided-" + drained.key()),
                        bench.log("provided-" + drained.key()), env)) {
                    drain = Drain.watch(broker, bridge, events, drained.timedFrom());
                }
                RawPart fetchAck = rawFetchAck(broker, events, batch);
                String figure = "ingest, vectors provided, " + drained.label();
                String key = "ingest_provided_" + drained.key();
                com.fasterxml.jackson.databind.JsonNode peer = drained.base64() ? null : bench.node("peer-" + drained.key(),
                        "peer-pipeline.mjs", broker.url(), bench.work.resolve("peer-store-" + drained.key()).toString(),
                        Integer.toString(events), Integer.toString(batch), Integer.toString(drained.timedFrom()));
                if (peer != null) {
                    bench.results.pair(key + "_vs_peer", figure, drain.eventsPerSecond(), "events/s",
                            "hand-written NATS JS + LanceDB TS pipeline (mergeInsert on id, ack after commit), batch " + batch,
                            peer.get("timed").asDouble(), "events/s",
                            String.format("same stream, same payloads, one after the other; both timed from the %,dth ack (the peer over the"
                                    + " whole drain: %,.0f events/s)", drained.timedFrom(), peer.get("eventsPerSecond").asDouble()));
                }
                bench.results.pair(key + "_vs_append", figure, drain.eventsPerSecond(), "events/s",
                        "raw Lance append, batch " + batch, append.perSecond(), "rows/s", (drained.base64() ? "base64 vectors" : "JSON parse of"
                                + " 384 floats/event") + ", sharing 2 cores with nats-server; " + drain.cpu());
                bench.results.pair(key + "_vs_fetch_ack", figure, drain.eventsPerSecond(), "events/s",
                        "raw JetStream fetch+ack, batch " + batch, fetchAck.perSecond(), "msgs/s", "as above");
                int cores = Runtime.getRuntime().availableProcessors();
                bench.results.pair(key + "_vs_raw_ceiling", figure, drain.eventsPerSecond(), "events/s",
                        "both raw parts on " + cores + " cores, from their CPU per event", cores * 1e6 / (append.cpuMicros() + fetchAck.cpuMicros()),
                        "events/s", String.format("CPU per event: raw append %.1f µs, raw fetch+ack %.1f µs (client and nats-server); the bridge"
                                + " %.1f µs, nats-server %.1f µs", append.cpuMicros(), fetchAck.cpuMicros(),
                                drain.bridgeCpu() * 1e6 / drain.eventsPerSecond(), drain.brokerCpu() * 1e6 / drain.eventsPerSecond()));
            }
        }
    }

    /** Texts embedded by each in-process model, against that raw embedder. */
    void embedded() throws Exception {
        int texts = bench.textsTimed;
        List<byte[]> events = new ArrayList<>(texts);
        for (int i = 0; i < texts; i++) {
            events.add(Events.text("t-" + i, bench.corpus.text(i)));
        }
        for (InProcessModel model : InProcessModel.values()) {
            String embedder = Embedders.builtInName(model);
            try (Broker broker = new Broker(bench.work.resolve("nats-embed-" + embedder))) {
                broker.publishAll("events.bench", events);
                Drain drain;
                double cpuSeconds;
                double embedSeconds;
                try (BridgeProcess bridge = BridgeProcess.start(broker.url(), bench.work.resolve("store-embed-" + embedder),
                        bench.log("embed-" + embedder), Map.of("BRIDGE_TABLES_EVENTS_EMBEDDER", embedder))) {
                    ProcessUsage before = ProcessUsage.of(bridge.pid());
                    double embedBefore = embedSeconds(bridge);
                    drain = Drain.watch(broker, bridge, texts);
                    cpuSeconds = ProcessUsage.of(bridge.pid()).minus(before).cpuMs() / 1000;
                    embedSeconds = embedSeconds(bridge) - embedBefore;
                }
                // the machine is shared: time the raw embedder on the same texts right after
                double raw = rawEmbedRate(model, bench.corpus.texts.subList(0, texts));
                if (model == InProcessModel.MINILM_Q) {
                    bench.results.pair("embed_minilm_q_vs_fp32", "raw " + model.modelName() + " embedder", raw, "texts/s",
                            "raw " + InProcessModel.MINILM.modelName() + " embedder, same texts",
                            rawEmbedRate(InProcessModel.MINILM, bench.corpus.texts.subList(0, texts)), "texts/s",
                            quantizedRecall(bench.corpus.texts));
                } else {
                    bench.results.pair("embed_" + embedder.replace('-', '_') + "_vs_langchain4j",
                            "raw " + model.modelName() + " embedder (texts batched per model run)", raw, "texts/s",
                            "LangChain4j's in-process " + model.modelName() + " (one text per run), same texts",
                            langChainEmbedRate(model, bench.corpus.texts.subList(0, texts)), "texts/s",
                            "same weights and vectors (OnnxSentenceModelTest)");
                }
                int cores = Runtime.getRuntime().availableProcessors();
                bench.results.pair("ingest_" + embedder.replace('-', '_') + "_vs_raw_embedder",
                        "ingest, in-process " + model.modelName() + " (" + texts + " glosses)", drain.eventsPerSecond(), "events/s",
                        "raw " + model.modelName() + " embedder, same texts", raw, "texts/s", String.format(
                                "embedding %.0f%% of the drain's wall time; bridge CPU %.0f%% of %d cores (incl. start-up)",
                                100 * embedSeconds / drain.seconds(), 100 * cpuSeconds / (drain.seconds() * cores), cores));
            }
        }
    }

    /** Seconds the bridge has spent embedding batches of table events (its own timer). */
    private static double embedSeconds(BridgeProcess bridge) throws java.io.IOException {
        return Scrape.value(bridge.text("/q/metrics"), "bridge_embed_duration_seconds_sum{table=\"events\"}");
    }

    static double rawEmbedRate(InProcessModel model, List<String> texts) {
        try (InProcessEmbedder embedder = new InProcessEmbedder(model, Runtime.getRuntime().availableProcessors())) {
            return Corpus.time(embedder::embed, texts.subList(0, Math.min(500, texts.size())), texts).textsPerSecond();
        }
    }

    /**
     * How much the quantized MiniLM's search agrees with fp32's: 200 glosses searched among 5,000
     * by each model's own vectors, the share of fp32's top 10 that the quantized top 10 holds.
     */
    private static String quantizedRecall(List<String> glosses) {
        List<String> stored = glosses.subList(0, 5000);
        List<String> queries = glosses.subList(5000, 5200);
        List<List<Integer>> exact;
        List<List<Integer>> approximate;
        try (InProcessEmbedder fp32 = new InProcessEmbedder(InProcessModel.MINILM, 2);
             InProcessEmbedder quantized = new InProcessEmbedder(InProcessModel.MINILM_Q, 2)) {
            exact = topTen(fp32.embed(stored), fp32.embed(queries));
            approximate = topTen(quantized.embed(stored), quantized.embed(queries));
        }
        double found = 0;
        for (int q = 0; q < exact.size(); q++) {
            List<Integer> truth = exact.get(q);
            found += approximate.get(q).stream().filter(truth::contains).count() / 10.0;
        }
        return String.format("recall@10 against fp32's own top 10: %.3f (200 glosses among 5,000)", found / exact.size());
    }

    private static List<List<Integer>> topTen(List<float[]> stored, List<float[]> queries) {
        List<List<Integer>> answers = new ArrayList<>(queries.size());
        for (float[] query : queries) {
            double[] scores = new double[stored.size()];
            for (int i = 0; i < stored.size(); i++) {
                double dot = 0;
                for (int j = 0; j < query.length; j++) {
                    dot += query[j] * stored.get(i)[j];
                }
                scores[i] = dot;
            }
            answers.add(java.util.stream.IntStream.range(0, stored.size()).boxed()
                    .sorted((a, b) -> Double.compare(scores[b], scores[a])).limit(10).toList());
        }
        return answers;
    }

    /** What the bridge ran before its own batched path: LangChain4j's model, a text per run, spread over the cores. */
    private static double langChainEmbedRate(InProcessModel model, List<String> texts) {
        EmbeddingModel reference = model == InProcessModel.MINILM ? new AllMiniLmL6V2EmbeddingModel()
                : new BgeSmallEnV15QuantizedEmbeddingModel();
        Function<List<String>, List<float[]>> embed = batch -> reference.embedAll(batch.stream().map(TextSegment::from).toList())
                .content().stream().map(Embedding::vector).toList();
        return Corpus.time(embed, texts.subList(0, Math.min(500, texts.size())), texts).textsPerSecond();
    }

    /** A raw building block's rate, and the CPU it took per event in every process it runs in. */
    private record RawPart(double perSecond, double cpuMicros) {
    }

    /** A second durable consumer over the same messages: fetch batches and ack each message, nothing else. */
    private static RawPart rawFetchAck(Broker broker, int expected, int batch) throws Exception {
        JetStreamSubscription sub = broker.js().subscribe("events.>",
                PullSubscribeOptions.builder().durable("raw-bench-" + batch).build());
        ProcessUsage before = ProcessUsage.self().plus(ProcessUsage.of(broker.pid()));
        long start = System.nanoTime();
        int seen = 0;
        while (seen < expected) {
            List<Message> messages = sub.fetch(batch, Duration.ofMillis(100));
            messages.forEach(Message::ack);
            seen += messages.size();
        }
        broker.connection.flush(Duration.ofSeconds(5));
        double rate = seen / ((System.nanoTime() - start) / 1e9);
        double cpuMs = ProcessUsage.self().plus(ProcessUsage.of(broker.pid())).minus(before).cpuMs();
        return new RawPart(rate, cpuMs * 1000 / seen);
    }

}
