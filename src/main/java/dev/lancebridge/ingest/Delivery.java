package dev.lancebridge.ingest;

import dev.lancebridge.normalize.RawEvent;

import java.time.Duration;

/**
 * One delivery of a stream message as the pipeline reads and settles it: what it carries, and the
 * ways to answer JetStream. Every ack, nak, hold and dead-letter decision of {@link TablePipeline}
 * goes through this type, so that tests drive those decisions with fake deliveries.
 * {@link JetStreamDelivery} is the real one.
 */
interface Delivery {

    /** The event as the normalizer reads it. */
    RawEvent event();

    long streamSeq();

    String subject();

    /** True when its header block could not be parsed ({@link HeaderGuard} kept it aside). */
    boolean unreadable();

    /** When the stream stored it (epoch milliseconds). */
    long storedAtMillis();

    /** How many times JetStream has delivered it, this time included. */
    long deliveredCount();

    /** Messages the consumer still held for the table when this one was delivered. */
    long pending();

    /** The message as the stream stored it, for its dead letter. */
    DeadLetters.Original original();

    void ack();

    /** Gives it back for redelivery at once. */
    void nak();

    void nakWithDelay(Duration delay);

    /** Restarts its ack-wait: the pipeline still works on it. */
    void inProgress();
}
