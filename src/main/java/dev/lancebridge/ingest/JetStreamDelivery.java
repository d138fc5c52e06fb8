package dev.lancebridge.ingest;

import dev.lancebridge.normalize.RawEvent;
import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;

import java.time.Duration;

/** A delivery as the NATS client gives it. */
record JetStreamDelivery(Message message) implements Delivery {

    @Override
    public RawEvent event() {
        NatsJetStreamMetaData meta = message.metaData();
        String msgId = null;
        String op = null;
        String movedKey = null;
        if (message.hasHeaders()) {
            msgId = message.getHeaders().getFirst("Nats-Msg-Id");
            op = message.getHeaders().getFirst(EventHeaders.OP);
            movedKey = message.getHeaders().getFirst(EventHeaders.DEBEZIUM_NEW_KEY);
            if (movedKey == null) {
                movedKey = message.getHeaders().getFirst(EventHeaders.DEBEZIUM_OLD_KEY);
            }
        }
        return new RawEvent(meta.getStream(), meta.streamSequence(), message.getSubject(),
                meta.timestamp().toInstant().toEpochMilli(), msgId, op, message.getData(), movedKey);
    }

    @Override
    public long streamSeq() {
        return message.metaData().streamSequence();
    }

    @Override
    public String subject() {
        return message.getSubject();
    }

    @Override
    public boolean unreadable() {
        return message.hasHeaders() && message.getHeaders().containsKey(HeaderGuard.UNREADABLE);
    }

    @Override
    public long storedAtMillis() {
        return message.metaData().timestamp().toInstant().toEpochMilli();
    }

    @Override
    public long deliveredCount() {
        return message.metaData().deliveredCount();
    }

    @Override
    public long pending() {
        return message.metaData().pendingCount();
    }

    @Override
    public DeadLetters.Original original() {
        return DeadLetters.Original.of(message);
    }

    @Override
    public void ack() {
        message.ack();
    }

    @Override
    public void nak() {
        message.nak();
    }

    @Override
    public void nakWithDelay(Duration delay) {
        message.nakWithDelay(delay);
    }

    @Override
    public void inProgress() {
        message.inProgress();
    }
}
