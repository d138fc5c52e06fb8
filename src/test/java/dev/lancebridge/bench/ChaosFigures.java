package dev.lancebridge.bench;

import dev.lancebridge.support.Chaos;

/**
 * The fault suite's long mode: many SIGKILLs of the packaged bridge (nats-server killed once,
 * in the middle) while inserts, updates, deletes and malformed events stream in; the final table
 * compared row by row with what was published ({@code ChaosIT} runs the short mode in the tests).
 */
final class ChaosFigures {

    private final Bench bench;

    ChaosFigures(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        int loops = bench.quick ? 5 : 30;
        Chaos.Figures figures = new Chaos(bench.work.resolve("chaos"), 42).run(loops);
        var node = bench.results.json.putObject("chaos");
        node.put("loops", loops);
        node.put("events", figures.published());
        node.put("kills", figures.kills());
        node.put("nats_kills", figures.natsKills());
        node.put("malformed", figures.malformed());
        node.put("dead_lettered", figures.deadLettered());
        node.put("lost", figures.lost());
        node.put("doubled", figures.doubled());
        node.put("stale", figures.stale());
        node.put("resurrected", figures.resurrected());
        bench.results.single("chaos", figures.kills() + " SIGKILLs of the bridge and " + figures.natsKills() + " of nats-server while "
                        + figures.published() + " inserts, updates, deletes and malformed events streamed in",
                String.format("lost %d, doubled %d, stale %d, resurrected %d; %d malformed events, %d dead-lettered",
                        figures.lost(), figures.doubled(), figures.stale(), figures.resurrected(), figures.malformed(),
                        figures.deadLettered()),
                "a bridge start (~12 s) per loop");
    }
}
