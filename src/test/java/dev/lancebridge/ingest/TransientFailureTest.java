package dev.lancebridge.ingest;

import dev.lancebridge.embed.FakeOutageEmbedder;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.support.Events;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An embedder outage naks and retries (never dead-letters early), and dead-letters only when deliveries run out. */
@QuarkusTest
class TransientFailureTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    NatsClient nats;
    @Inject
    LanceStore store;

    private long count(String filter) {
        return store.table("events").orElseThrow().countRows(filter);
    }

    @Test
    void outageIsRetriedUntilTheEventIsStored() {
        FakeOutageEmbedder.failures.set(0);
        FakeOutageEmbedder.failuresLeft.set(2);
        long seq = Events.publish(nats.jetStream(), "events.flaky",
                "{\"id\": \"flaky-1\", \"text\": \"stored after an outage " + FakeOutageEmbedder.TRIGGER + "\"}");
        await().atMost(WAIT).until(() -> count("id = 'flaky-1'") == 1);
        assertEquals(2, FakeOutageEmbedder.failures.get(), "two failed deliveries before the third succeeded");
        assertTrue(letters(seq).isEmpty(), "a transient failure is not poison");
    }

    @Test
    void outageLongerThanMaxDeliverIsDeadLetteredNotDropped() {
        FakeOutageEmbedder.failuresLeft.set(1000);
        long seq = Events.publish(nats.jetStream(), "events.flaky",
                "{\"id\": \"flaky-2\", \"text\": \"never embeddable " + FakeOutageEmbedder.TRIGGER + "\"}");
        try {
            await().atMost(WAIT).until(() -> !letters(seq).isEmpty());
        } finally {
            FakeOutageEmbedder.failuresLeft.set(0);
        }
        MessageInfo letter = letters(seq).get(0);
        assertEquals("RETRIES_EXHAUSTED", letter.getHeaders().getFirst(DeadLetters.ERROR));
        assertTrue(letter.getHeaders().getFirst(DeadLetters.ERROR_DETAIL).contains("injected outage"));
        assertEquals(0, count("id = 'flaky-2'"));
    }

    private List<MessageInfo> letters(long seq) {
        return Events.all(nats.management(), JetStreamSetup.DEAD_LETTER_STREAM).stream()
                .filter(m -> m.getHeaders() != null
                        && String.valueOf(seq).equals(m.getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ)))
                .toList();
    }
}
