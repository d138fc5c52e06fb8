package dev.lancebridge.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one maintenance pass did.
 *
 * @param at               when it started
 * @param durationMs       how long it took
 * @param outcome          {@code ok} or {@code failed}
 * @param error            why it failed; null when it did not
 * @param fragmentsBefore  data fragments before compaction
 * @param fragmentsAfter   data fragments after it
 * @param versionsRemoved  old versions cleaned up (tagged ones are kept)
 * @param bytesRemoved     disk bytes freed
 * @param indexesCreated   indexes built in this pass (the vector index, once the table is big enough)
 * @param indexesOptimized indexes that had unindexed rows folded in
 * @param version          the table version after the pass
 */
public record MaintenanceStats(Instant at, long durationMs, Outcome outcome, String error, int fragmentsBefore,
                               int fragmentsAfter, long versionsRemoved, long bytesRemoved, List<String> indexesCreated,
                               List<String> indexesOptimized, long version) {

    static Builder start() {
        return new Builder();
    }

    /** The counters of a pass in progress. */
    static final class Builder {
        private final Instant at = Instant.now();
        private final long started = System.nanoTime();
        int fragmentsBefore;
        int fragmentsAfter;
        long versionsRemoved;
        long bytesRemoved;
        final List<String> indexesCreated = new ArrayList<>();
        final List<String> indexesOptimized = new ArrayList<>();

        MaintenanceStats done(long version) {
            return build(Outcome.OK, null, version);
        }

        MaintenanceStats failed(long version, String error) {
            return build(Outcome.FAILED, error, version);
        }

        private MaintenanceStats build(Outcome outcome, String error, long version) {
            return new MaintenanceStats(at, (System.nanoTime() - started) / 1_000_000, outcome, error, fragmentsBefore,
                    fragmentsAfter, versionsRemoved, bytesRemoved, List.copyOf(indexesCreated),
                    List.copyOf(indexesOptimized), version);
        }
    }

    /** How a pass ended; written in lower case ({@code "ok"}). */
    public enum Outcome {
        OK, FAILED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
