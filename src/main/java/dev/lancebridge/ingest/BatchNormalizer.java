package dev.lancebridge.ingest;

import dev.lancebridge.config.DaemonThreads;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Normalizer;
import dev.lancebridge.normalize.Rejection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        int n = deliveries.size();
        int parts = Math.min(slices, n / MIN_SLICE);
        if (parts <= 1) {
            List<Normalized> changes = new ArrayList<>(n);
            deliveries.forEach(delivery -> changes.add(normalize(delivery)));
            return changes;
        }
        Normalized[] changes = new Normalized[n];
        CompletableFuture<?>[] others = new CompletableFuture<?>[parts - 1];
        for (int part = 1; part < parts; part++) {
            int from = n * part / parts;
            int to = n * (part + 1) / parts;
            others[part - 1] = CompletableFuture.runAsync(() -> normalize(deliveries, changes, from, to), helpers);
        }
        normalize(deliveries, changes, 0, n / parts);
        CompletableFuture.allOf(others).join();
        return Arrays.asList(changes);
    }

    private void normalize(List<Delivery> deliveries, Normalized[] changes, int from, int to) {
        for (int i = from; i < to; i++) {
            changes[i] = normalize(deliveries.get(i));
        }
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
