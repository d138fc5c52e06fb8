package dev.lancebridge.bench;

import dev.lancebridge.support.BridgeProcess;
import io.nats.client.JetStream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Soak: steady ingest (200 events/s, ids cycling over 20k so updates follow inserts) and 5
 * searches/s; RSS and heap sampled every 5 s. Memory must flatten, not grow with time.
 */
final class SoakFigures {

    private final Bench bench;

    SoakFigures(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        int seconds = bench.quick ? 60 : 600;
        try (Broker broker = new Broker(bench.work.resolve("nats-soak"));
             BridgeProcess bridge = BridgeProcess.start(broker.url(), bench.work.resolve("store-soak"), bench.log("soak"))) {
            JetStream js = broker.js();
            List<long[]> samples = new ArrayList<>();
            long start = System.nanoTime();
            long next = start;
            long nextSample = start;
            long nextSearch = start;
            int i = 0;
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                LockSupport.parkNanos(next - System.nanoTime());
                int id = i % 20_000;
                js.publishAsync("events.soak", Events.withVector("s-" + id, bench.corpus.text(i), bench.corpus.vector(id), false));
                next += 5_000_000; // 200 events/s
                i++;
                long now = System.nanoTime();
                if (now >= nextSearch) {
                    bridge.post("/tables/events/search", "{\"vector\": " + Results.JSON.writeValueAsString(bench.corpus.vector(i))
                            + ", \"k\": 10}");
                    nextSearch += 200_000_000; // 5 searches/s
                }
                if (now >= nextSample) {
                    samples.add(new long[] {(now - start) / 1_000_000_000L, bridge.rssMiB(), bridge.heapUsedMiB()});
                    nextSample += 5_000_000_000L;
                }
            }
            long firstRss = samples.get(Math.min(2, samples.size() - 1))[1];
            long maxRss = samples.stream().mapToLong(s -> s[1]).max().orElse(-1);
            long lastRss = samples.get(samples.size() - 1)[1];
            int third = samples.size() / 3;
            double middle = samples.subList(third, 2 * third).stream().mapToLong(s -> s[1]).average().orElse(0);
            double last = samples.subList(2 * third, samples.size()).stream().mapToLong(s -> s[1]).average().orElse(0);
            var node = bench.results.json.putObject("soak");
            node.put("seconds", seconds);
            node.put("events", i);
            var rows = node.putArray("samples_s_rss_heap_mib");
            samples.forEach(s -> rows.addArray().add(s[0]).add(s[1]).add(s[2]));
            bench.results.single("soak_rss", "soak " + seconds + " s: 200 events/s (upserts over 20k ids) + 5 searches/s",
                    String.format("RSS %d → %d MiB (max %d); last third vs middle third: %+.1f%%; heap %d → %d MiB",
                            firstRss, lastRss, maxRss, (last - middle) / middle * 100,
                            samples.get(Math.min(2, samples.size() - 1))[2], samples.get(samples.size() - 1)[2]),
                    "native memory (Lance caches, ONNX) dominates RSS");
        }
    }
}
