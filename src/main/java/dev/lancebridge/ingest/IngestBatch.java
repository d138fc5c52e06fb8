package dev.lancebridge.ingest;

import dev.lancebridge.normalize.Normalized;
import java.util.List;

/**
 * Fetched deliveries travelling through the stages with what each became; {@code changes.get(i)}
 * came from {@code deliveries.get(i)}; null until the batch is normalized. They are acked or naked
 * together.
 *
 * @param fetchedAt when they were fetched (the pipeline clock's nanos)
 */
record IngestBatch(List<Delivery> deliveries, List<Normalized> changes, long fetchedAt) {

    /** No deliveries: nothing fetched, or a batch already given back. */
    static final IngestBatch EMPTY = new IngestBatch(List.of(), List.of(), 0);

    IngestBatch withChanges(List<Normalized> next) {
        return new IngestBatch(deliveries, next, fetchedAt);
    }

    boolean isEmpty() {
        return deliveries.isEmpty();
    }
}
