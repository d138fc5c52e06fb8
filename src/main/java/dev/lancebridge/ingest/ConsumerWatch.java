package dev.lancebridge.ingest;

import io.nats.client.api.ConsumerInfo;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One table's watch on its consumer, run every half ack-wait: asks JetStream what the consumer
 * holds, compares it with what the pipeline saw ({@link Stall}), says so once when it becomes
 * stuck and once when it flows again, and tells the table how far the consumer has acked (what
 * its tombstones may forget).
 */
final class ConsumerWatch {

    private static final Logger LOG = Logger.getLogger(ConsumerWatch.class);

    private final String table;
    private final EventSource consumer;
    private final BooleanSupplier connected;
    private final Committer store;
    private final Duration ackWait;
    private final PipelineMetrics metrics;
    private final LongSupplier lastCommittedSeq;
    /** Why the consumer is stuck as of the last check, or null; and since when (nanoTime). */
    private volatile String stall;
    private volatile long stalledAt;

    /**
     * @param connected        whether the connection the consumer lives on says it is up: a consumer that does not
     *                         answer then is stuck, while one that cannot be reached is not
     * @param lastCommittedSeq the highest stream sequence the pipeline committed (named when JetStream cannot be asked)
     */
    ConsumerWatch(String table, EventSource consumer, BooleanSupplier connected, Committer store,
                  Duration ackWait, PipelineMetrics metrics, LongSupplier lastCommittedSeq) {
        this.table = table;
        this.consumer = consumer;
        this.connected = connected;
        this.store = store;
        this.ackWait = ackWait;
        this.metrics = metrics;
        this.lastCommittedSeq = lastCommittedSeq;
    }

    /** How often {@link #check} should run: twice per ack-wait, so a stall is reported within 2× ack-wait. */
    Duration period() {
        return Duration.ofMillis(Math.max(500, ackWait.toMillis() / 2));
    }

    /** Checks the consumer against {@code seen}, what the pipeline saw. */
    void check(PipelineState seen) {
        String verdict;
        long firstUnacked = -1;
        try {
            ConsumerInfo info = consumer.info();
            firstUnacked = info.getAckFloor() == null ? 1 : info.getAckFloor().getStreamSequence() + 1;
            Stall.Held held = new Stall.Held(info.getNumPending(), info.getNumAckPending(), firstUnacked);
            store.ackedThrough(firstUnacked - 1);
            metrics.held(held);
            verdict = Stall.verdict(seen, ackWait, held);
        } catch (Exception e) {
            // NATS being away is reported by the fetch; a connection that says it is up and does not answer is stuck
            if (!connected.getAsBoolean()) {
                return;
            }
            verdict = "JetStream does not answer on a connection that reports itself connected: " + e;
        }
        if (verdict != null && stall == null) {
            stalledAt = System.nanoTime();
            LOG.errorf("table %s: consumer %s is stalled at stream seq %s: %s", table, consumer.name(), firstUnacked < 0
                    ? "(unknown; the last committed is " + lastCommittedSeq.getAsLong() + ")" : Long.toString(firstUnacked), verdict);
        } else if (verdict == null && stall != null) {
            LOG.infof("table %s: consumer %s flows again", table, consumer.name());
        }
        stall = verdict;
        metrics.stalled(verdict != null);
    }

    /** Why the consumer is stuck as of the last check, or null. */
    String stall() {
        return stall;
    }

    /** How long the current stall has held; zero when there is none. */
    Duration stalledFor() {
        return stall == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - stalledAt);
    }
}
