package dev.lancebridge.ingest;

/** Message headers the bridge reads. */
public final class EventHeaders {

    /** {@code Bridge-Op: delete} deletes the row named by the payload's {@code id}; absent or {@code upsert} upserts. */
    public static final String OP = "Bridge-Op";

    /** The {@link #OP} of a delete. */
    public static final String OP_DELETE = dev.lancebridge.normalize.Normalizer.OP_DELETE;

    /** JetStream drops a message whose id it stored within the stream's duplicate window. */
    public static final String MSG_ID = "Nats-Msg-Id";

    /** Debezium's header on the delete half of a primary-key change: the row's new key. */
    public static final String DEBEZIUM_NEW_KEY = "__debezium.newkey";

    /** Debezium's header on the create half of a primary-key change: the row's old key. */
    public static final String DEBEZIUM_OLD_KEY = "__debezium.oldkey";

    private EventHeaders() {
    }
}
