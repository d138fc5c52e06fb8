package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;

import java.time.Duration;

/**
 * The delays between tries after a failure: {@code first}, then doubling up to {@code max}. The
 * one rule for every retry of ingest (a failed fetch, embed or commit, a batch held through an
 * outage) and of re-embeds; from {@code bridge.ingest.retry-delay} and {@code max-retry-delay}.
 */
record Backoff(Duration first, Duration max) {

    Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("a backoff starts above zero and grows to at least its first delay: "
                    + first + " .. " + max);
        }
    }

    static Backoff of(BridgeConfig.Ingest settings) {
        return new Backoff(settings.retryDelay(), settings.maxRetryDelay());
    }

    /** The delay after {@code current}: the first delay after none (zero), else twice as long, at most {@code max}. */
    Duration after(Duration current) {
        Duration next = current.isZero() ? first : current.multipliedBy(2);
        return next.compareTo(max) > 0 ? max : next;
    }
}
