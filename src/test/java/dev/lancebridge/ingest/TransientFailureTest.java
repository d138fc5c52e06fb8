package dev.lancebridge.ingest;

import dev.lancebridge.embed.FakeOutageEmbedders;
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

/**
 * A batch the embedder fails on is naked and retried (never dead-lettered early), and dead-lettered only when
 * deliveries run out. An embedder that is unavailable instead holds its batch: {@code DeclaredTablesTest}.
 */
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
    void failureIsRetriedUntilTheEventIsStored() {
        FakeOutageEmbedders.failures.set(0);
        FakeOutageEmbedders.failuresLeft.set(2);
        long seq = Events.publish(nats.jetStream(), "events.flaky",
                "{\"id\": \"flaky-1\", \"text\": \"stored after a failure " + FakeOutageEmbedders.TRIGGER + "\"}");
        await().atMost(WAIT).until(() -> count("id = 'flaky-1'") == 1);
        assertEquals(2, FakeOutageEmbedders.failures.get(), "two failed deliveries before the third succeeded");
        assertTrue(letters(seq).isEmpty(), "a transient failure is not poison");
    }

    @Test
    void failureLongerThanMaxDeliverIsDeadLetteredNotDropped() {
        FakeOutageEmbedders.failuresLeft.set(1000);
        long seq = Events.publish(nats.jetStream(), "events.flaky",
                "{\"id\": \"flaky-2\", \"text\": \"never embeddable " + FakeOutageEmbedders.TRIGGER + "\"}");
        try {
            await().atMost(WAIT).until(() -> !letters(seq).isEmpty());
        } finally {
            FakeOutageEmbedders.failuresLeft.set(0);
        }
        MessageInfo letter = letters(seq).get(0);
        assertEquals("RETRIES_EXHAUSTED", letter.getHeaders().getFirst(DeadLetters.ERROR));
        assertTrue(letter.getHeaders().getFirst(DeadLetters.ERROR_DETAIL).contains("injected failure"));
        assertEquals(0, count("id = 'flaky-2'"));
    }

    private List<MessageInfo> letters(long seq) {
        return Events.all(nats.management(), JetStreamSetup.DEAD_LETTER_STREAM).stream()
                .filter(m -> m.getHeaders() != null
                        && String.valueOf(seq).equals(m.getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ)))
                .toList();
    }
}
