package dev.lancebridge.ingest;

import java.time.Instant;

/**
 * Where a table's re-embed stands.
 *
 * @param state       {@code pending} (held, not started), {@code running}, {@code done} or {@code failed}
 * @param rowsDone    rows embedded again so far, of {@code rowsTotal}
 * @param fromVersion the version whose rows are re-embedded; search serves it until the switch
 * @param toVersion   the version holding the new vectors, once done
 * @param error       why it failed (the table still holds its old vectors and stays held)
 */
public record ReembedStatus(String table, State state, String fromModel, int fromDimension, String toModel, int toDimension,
                            long rowsTotal, long rowsDone, Long fromVersion, Long toVersion, Instant startedAt,
                            Instant finishedAt, String error) {

    /** Where a re-embed is; written in lower case ({@code "running"}). */
    public enum State {
        PENDING, RUNNING, DONE, FAILED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
