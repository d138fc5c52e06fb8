package dev.lancebridge.ingest;

import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.RawEvent;
import dev.lancebridge.normalize.Rejection;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.support.Declared;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** A batch normalized in slices on several threads comes back in delivery order, each event as the normalizer alone makes it. */
class BatchNormalizerTest {

    @Test
    void slicesOnEveryCoreKeepTheOrderAndTheResultOfEachEvent() {
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String payload = i % 7 == 0 ? "not json " + i : "{\"id\": \"e-" + i + "\", \"text\": \"text " + i + "\"}";
            deliveries.add(new Event(i + 1, payload, i % 11 == 0));
        }
        var normalizer = Declared.plainNormalizer(4);
        List<Normalized> alone = new ArrayList<>();
        try (BatchNormalizer serial = new BatchNormalizer("t", normalizer, 1);
             BatchNormalizer parallel = new BatchNormalizer("t", normalizer, 4)) {
            alone.addAll(serial.normalize(deliveries));
            List<Normalized> sliced = parallel.normalize(deliveries);
            assertEquals(1000, sliced.size());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i + 1, sliced.get(i).streamSeq(), "in delivery order");
                assertEquals(alone.get(i).getClass(), sliced.get(i).getClass(), "event " + i);
                if (i % 11 == 0) {
                    assertEquals(Rejection.Reason.UNREADABLE_MESSAGE, assertInstanceOf(Rejection.class, sliced.get(i)).reason());
                } else if (i % 7 == 0) {
                    assertEquals(Rejection.Reason.NOT_JSON, assertInstanceOf(Rejection.class, sliced.get(i)).reason());
                } else {
                    assertEquals("e-" + i, assertInstanceOf(Row.class, sliced.get(i)).id());
                }
            }
        }
    }

    /** A delivery that only carries an event; settling it is not this test's business. */
    private record Event(long seq, String payload, boolean unreadable) implements Delivery {
        @Override
        public RawEvent event() {
            return new RawEvent("EVENTS", seq, subject(), 0, null, null, payload.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public long streamSeq() {
            return seq;
        }

        @Override
        public String subject() {
            return "events.t";
        }

        @Override
        public long storedAtMillis() {
            return 0;
        }

        @Override
        public long deliveredCount() {
            return 1;
        }

        @Override
        public long pending() {
            return 0;
        }

        @Override
        public DeadLetters.Original original() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void ack() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void nak() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void nakWithDelay(Duration delay) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void inProgress() {
            throw new UnsupportedOperationException();
        }
    }
}
