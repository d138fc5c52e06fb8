package dev.lancebridge.ingest;

import dev.lancebridge.normalize.Normalized;
import io.nats.client.Message;

import java.util.List;

/**
 * Fetched messages travelling through the stages with what each became; {@code changes.get(i)}
 * came from {@code messages.get(i)}. The messages are acked or naked together.
 */
record IngestBatch(List<Message> messages, List<Normalized> changes) {

    IngestBatch withChanges(List<Normalized> next) {
        return new IngestBatch(messages, next);
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }
}
