package dev.lancebridge.ingest;

import dev.lancebridge.config.DaemonThreads;
import dev.lancebridge.config.Slices;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Normalizer;
import dev.lancebridge.normalize.Rejection;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Normalizes a fetched batch on every core: the normalizer is pure, so a large batch is cut into
 * one slice per core, the calling thread taking the first. Parsing the payloads (384 decimal
 * floats an event, when events carry vectors) is the largest part of an event's cost.
 */
final class BatchNormalizer implements AutoCloseable {

    /** Below this many events per slice, handing slices to other threads costs more than it saves. */
    static final int MIN_SLICE = 64;

    private static final String UNREADABLE_DETAIL = "its headers are not valid NATS headers (a non-ASCII value or a "
            + "malformed line); the original header block is in " + HeaderGuard.UNREADABLE + " (base64)";

    private final Normalizer normalizer;
    private final int slices;
    /** Threads for every slice but the first; null with one core. */
    private final ExecutorService helpers;

    BatchNormalizer(String table, Normalizer normalizer, int cores) {
        this.normalizer = normalizer;
        this.slices = Math.max(1, cores);
        this.helpers = slices > 1 ? Executors.newFixedThreadPool(slices - 1, DaemonThreads.named("normalize-" + table)) : null;
    }

    /** What each delivery became, in order. */
    List<Normalized> normalize(List<Delivery> deliveries) {
        Normalized[] changes = new Normalized[deliveries.size()];
        Slices.run(changes.length, MIN_SLICE, slices, helpers, (from, to) -> {
            for (int i = from; i < to; i++) {
                changes[i] = normalize(deliveries.get(i));
            }
        });
        return Arrays.asList(changes);
    }

    private Normalized normalize(Delivery delivery) {
        return delivery.unreadable()
                ? new Rejection(Rejection.Reason.UNREADABLE_MESSAGE, UNREADABLE_DETAIL, delivery.streamSeq())
                : normalizer.normalize(delivery.event());
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }
}
