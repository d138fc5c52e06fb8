package dev.lancebridge.ingest;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Holds a batch while what it needs (the embedder, the store) is unavailable: tries again with
 * growing delays, the batch staying in hand under in-progress heartbeats. No nak, so an outage
 * uses up no delivery and dead-letters nothing.
 */
final class Hold {

    /** One try: its result, or why what it needs is unavailable. */
    record Try<T>(T result, String unavailable) {
        static <T> Try<T> done(T result) {
            return new Try<>(result, null);
        }

        static <T> Try<T> unavailable(String why) {
            return new Try<>(null, why);
        }
    }

    private final Backoff backoff;
    private final PipelineClock clock;
    private final BooleanSupplier running;
    private final Consumer<String> unavailableTry;

    /**
     * @param running        false once the pipeline stops: the hold ends
     * @param unavailableTry hears the stage of each try that found it unavailable
     */
    Hold(Backoff backoff, PipelineClock clock, BooleanSupplier running, Consumer<String> unavailableTry) {
        this.backoff = backoff;
        this.clock = clock;
        this.running = running;
        this.unavailableTry = unavailableTry;
    }

    /** Tries {@code attempt} until it is done; {@code seen} hears each unavailable try's reason. Null when the pipeline stops first. */
    <T> T until(String stage, Supplier<Try<T>> attempt, Consumer<String> seen) {
        Duration delay = Duration.ZERO;
        while (true) {
            Try<T> tried = attempt.get();
            if (tried.unavailable() == null) {
                return tried.result();
            }
            delay = backoff.after(delay);
            unavailableTry.accept(stage);
            seen.accept(tried.unavailable());
            if (!sleepWhileRunning(delay)) {
                return null;
            }
        }
    }

    /** Sleeps {@code delay}, or less if the pipeline stops; false when it stopped. */
    private boolean sleepWhileRunning(Duration delay) {
        long until = clock.nanoTime() + delay.toNanos();
        try {
            while (running.getAsBoolean() && clock.nanoTime() < until) {
                clock.sleep(Duration.ofMillis(Math.min(100, Math.max(1, (until - clock.nanoTime()) / 1_000_000))));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return running.getAsBoolean();
    }
}
