package dev.lancebridge.ingest;

import dev.lancebridge.normalize.Normalized;
import java.util.List;

/**
 * Fetched deliveries travelling through the stages with what each became; {@code changes.get(i)}
 * came from {@code deliveries.get(i)}. They are acked or naked together.
 */
record IngestBatch(List<Delivery> deliveries, List<Normalized> changes) {

    /** No deliveries: nothing fetched, or a batch already given back. */
    static final IngestBatch EMPTY = new IngestBatch(List.of(), List.of());

    IngestBatch withChanges(List<Normalized> next) {
        return new IngestBatch(deliveries, next);
    }

    boolean isEmpty() {
        return deliveries.isEmpty();
    }
}
