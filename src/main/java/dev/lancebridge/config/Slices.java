package dev.lancebridge.config;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Pure work over the items {@code [0, count)} spread over the cores: cut into slices, the calling
 * thread taking the first and helper threads the rest, done when all are. Normalizing a fetched
 * batch and tokenizing a batch of texts both run this way. In this bottom package because more
 * than one stage does.
 */
public final class Slices {

    /** The items {@code [from, to)} of one slice. */
    @FunctionalInterface
    public interface Slice {
        void run(int from, int to);
    }

    private Slices() {
    }

    /**
     * Runs {@code slice} over {@code [0, count)} in at most {@code maxSlices} slices of at least
     * {@code minPerSlice} items (fewer items: one slice, on the caller). A slice's failure is thrown
     * once every slice has ended.
     */
    public static void run(int count, int minPerSlice, int maxSlices, Executor helpers, Slice slice) {
        int parts = Math.min(maxSlices, count / minPerSlice);
        if (parts <= 1) {
            slice.run(0, count);
            return;
        }
        CompletableFuture<?>[] others = new CompletableFuture<?>[parts - 1];
        for (int part = 1; part < parts; part++) {
            int from = (int) ((long) count * part / parts);
            int to = (int) ((long) count * (part + 1) / parts);
            others[part - 1] = CompletableFuture.runAsync(() -> slice.run(from, to), helpers);
        }
        RuntimeException failed = null;
        try {
            slice.run(0, count / parts);
        } catch (RuntimeException e) {
            failed = e;
        }
        try {
            CompletableFuture.allOf(others).join();
        } catch (CompletionException e) {
            if (failed == null) {
                failed = e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
