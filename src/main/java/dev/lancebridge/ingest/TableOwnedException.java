package dev.lancebridge.ingest;

import java.time.Duration;
import java.time.Instant;

/** A table whose lease another writer holds: this writer must not consume or commit it. */
public class TableOwnedException extends RuntimeException {

    public TableOwnedException(String table, String owner, Instant renewedAt, Duration ttl) {
        super("table '" + table + "' is owned by the writer '" + owner + "'" + (renewedAt == null ? "" : " (lease renewed " + renewedAt + ")")
                + ": two writers must not own one table. Declare it on one writer only (bridge.tables), or give this writer the"
                + " other's bridge.writer.id if it replaces it. A writer that died lets go of its lease " + ttl.toSeconds()
                + " s after its last renewal (README: Beyond one machine, moving a table).");
    }
}
