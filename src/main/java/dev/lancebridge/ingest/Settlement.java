package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Rejection;
import dev.lancebridge.normalize.Row;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How each delivery of a batch is answered once its fate is known: acked when its change is in
 * the table; dead-lettered, then acked, when it was rejected or failed alone; naked with a delay
 * when its batch failed as a whole, or dead-lettered once its deliveries ran out; given back at
 * once when the pipeline stops with it in hand. A dead letter that cannot be stored naks instead:
 * nothing is acked that is not kept somewhere.
 */
final class Settlement {

    private static final Logger LOG = Logger.getLogger(Settlement.class);

    private final String table;
    private final DeadLetters deadLetters;
    private final BridgeConfig.Ingest settings;
    private final PipelineMetrics metrics;

    Settlement(String table, DeadLetters deadLetters, BridgeConfig.Ingest settings, PipelineMetrics metrics) {
        this.table = table;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.metrics = metrics;
    }

    /**
     * The batch committed, but for the events at {@code failedAlone} (their index, with the error):
     * acks what is stored, dead-letters the rest. Returns how many rows or deletes were stored.
     */
    long committed(IngestBatch batch, Map<Integer, RuntimeException> failedAlone) {
        List<Normalized> changes = batch.changes();
        long stored = 0;
        for (int i = 0; i < changes.size(); i++) {
            Delivery delivery = batch.deliveries().get(i);
            RuntimeException failure = failedAlone.get(i);
            if (failure != null) {
                deadLetter(delivery, changes.get(i), Rejection.Reason.COMMIT_FAILED,
                        "committing this event alone failed while the rest of its batch committed: " + failure.getMessage());
            } else if (changes.get(i) instanceof Rejection rejection) {
                deadLetter(delivery, changes.get(i), rejection.reason(), rejection.detail());
            } else {
                delivery.ack();
                stored++;
            }
        }
        return stored;
    }

    /** Gives every delivery back for redelivery at once, using up nothing but the delivery itself. */
    void giveBack(IngestBatch batch) {
        batch.deliveries().forEach(Delivery::nak);
    }

    /** Dead-letters and acks {@code delivery}; if the dead letter cannot be stored, naks it instead. */
    private void deadLetter(Delivery delivery, Normalized change, Rejection.Reason reason, String detail) {
        // the same names as fields of JSON log lines, for log collectors to filter on
        org.jboss.logging.MDC.put("table", table);
        org.jboss.logging.MDC.put("subject", delivery.subject());
        org.jboss.logging.MDC.put("stream_seq", Long.toString(delivery.streamSeq()));
        org.jboss.logging.MDC.put("event_id", eventId(change, delivery));
        try {
            deadLetters.publish(delivery.original(), reason, detail);
            delivery.ack();
            metrics.deadLettered(reason);
            LOG.warnf("table %s: dead-lettered subject=%s seq=%d id=%s to %s: %s %s", table, delivery.subject(),
                    delivery.streamSeq(), eventId(change, delivery), deadLetters.subject(), reason, detail);
        } catch (Exception e) {
            LOG.errorf("table %s: could not dead-letter subject=%s seq=%d id=%s (%s); will retry", table,
                    delivery.subject(), delivery.streamSeq(), eventId(change, delivery), e.getMessage());
            delivery.nakWithDelay(settings.retryDelay());
        } finally {
            org.jboss.logging.MDC.clear();
        }
    }

    /**
     * A batch failed as a whole, transiently: each delivery is naked with {@code delay}, or
     * dead-lettered once it used up its deliveries.
     */
    void failed(IngestBatch batch, String stage, Throwable failure, Duration delay) {
        List<Delivery> deliveries = batch.deliveries();
        List<Normalized> changes = batch.changes();
        int last = deliveries.size() - 1;
        LOG.errorf("table %s: %s failed for %d events (subject=%s.. seq=%d..%d id=%s..%s); nak, retry in %s: %s", table,
                stage, deliveries.size(), deliveries.get(0).subject(), deliveries.get(0).streamSeq(),
                deliveries.get(last).streamSeq(), eventId(changes.get(0), deliveries.get(0)),
                eventId(changes.get(last), deliveries.get(last)), delay, failure.toString());
        for (int i = 0; i < deliveries.size(); i++) {
            Delivery delivery = deliveries.get(i);
            if (delivery.deliveredCount() >= settings.maxDeliver()) {
                deadLetter(delivery, changes.get(i), Rejection.Reason.RETRIES_EXHAUSTED, stage + " failed "
                        + settings.maxDeliver() + " times; last error: " + failure.getMessage());
            } else {
                delivery.nakWithDelay(delay);
            }
        }
    }

    /** The row id an event has or would have had; for an event rejected before it had one, its Nats-Msg-Id or "-". */
    private static String eventId(Normalized change, Delivery delivery) {
        if (change instanceof Row row) {
            return row.id();
        }
        if (change instanceof Deletion deletion) {
            return deletion.id();
        }
        String msgId = delivery.unreadable() ? null : delivery.event().msgId();
        return msgId != null ? msgId : "-";
    }
}
