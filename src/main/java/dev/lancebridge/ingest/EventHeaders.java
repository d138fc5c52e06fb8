package dev.lancebridge.ingest;

/** Message headers the bridge reads. */
final class EventHeaders {

    /** {@code Bridge-Op: delete} deletes the row named by the payload's {@code id}; absent or {@code upsert} upserts. */
    static final String OP = "Bridge-Op";

    private EventHeaders() {
    }
}
