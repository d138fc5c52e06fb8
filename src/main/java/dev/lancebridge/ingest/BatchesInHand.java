package dev.lancebridge.ingest;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pipeline's batches fetched and not yet acked or naked, and their in-progress heartbeats: a
 * batch held longer than a third of ack-wait tells JetStream it is still being worked on, so that
 * ack-wait stays short (fast redelivery after a crash) without redelivering slow batches.
 */
final class BatchesInHand {

    private static final Logger LOG = Logger.getLogger(BatchesInHand.class);

    private final String table;
    private final PipelineClock clock;
    private final Duration heartbeatEvery;
    private final Set<IngestBatch> batches = ConcurrentHashMap.newKeySet();

    BatchesInHand(String table, Duration ackWait, PipelineClock clock) {
        this.table = table;
        this.clock = clock;
        this.heartbeatEvery = Duration.ofMillis(Math.max(100, ackWait.toMillis() / 3));
    }

    /** How often {@link #markInProgress} runs, and how long a batch is held before it gets a heartbeat. */
    Duration heartbeatEvery() {
        return heartbeatEvery;
    }

    void add(IngestBatch batch) {
        batches.add(batch);
    }

    /** The batch is out of hand (settled or given back); the stages carry copies of it, so it is found by its deliveries. */
    void release(IngestBatch batch) {
        batches.removeIf(held -> held.deliveries() == batch.deliveries());
    }

    boolean isEmpty() {
        return batches.isEmpty();
    }

    int events() {
        int events = 0;
        for (IngestBatch batch : batches) {
            events += batch.deliveries().size();
        }
        return events;
    }

    /**
     * Restarts the ack-wait of every delivery held longer than {@link #heartbeatEvery()} (run that
     * often): a batch that commits sooner, as nearly all do, costs JetStream no heartbeat at all.
     */
    void markInProgress() {
        long heldLongEnough = clock.nanoTime() - heartbeatEvery.toNanos();
        for (IngestBatch batch : batches) {
            if (batch.fetchedAt() > heldLongEnough) {
                continue;
            }
            for (Delivery delivery : batch.deliveries()) {
                try {
                    delivery.inProgress();
                } catch (RuntimeException e) {
                    LOG.debugf("table %s: in-progress for seq %d failed: %s", table, delivery.streamSeq(), e.getMessage());
                }
            }
        }
    }
}
