package dev.lancebridge.ingest;

import io.nats.client.JetStreamApiException;
import io.nats.client.api.ConsumerInfo;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Where a table's pipeline takes its deliveries from: its durable consumer ({@link TableConsumer}) in production. */
interface EventSource {

    /** Up to {@code maxMessages} deliveries, waiting at most {@code maxWait}; throws when JetStream cannot be asked. */
    List<Delivery> fetch(int maxMessages, Duration maxWait);

    /** Deliveries that arrived after their fetch gave up waiting, read within {@code wait} before stopping. */
    List<Delivery> stragglers(Duration wait);

    /** What JetStream holds for the consumer. */
    ConsumerInfo info() throws IOException, JetStreamApiException;

    String name();
}
