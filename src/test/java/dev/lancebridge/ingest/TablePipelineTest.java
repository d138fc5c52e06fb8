package dev.lancebridge.ingest;

import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.embed.Embedder;
import dev.lancebridge.embed.EmbedderUnavailableException;
import dev.lancebridge.embed.LanceDbFunction;
import dev.lancebridge.normalize.RawEvent;
import dev.lancebridge.normalize.Rejection;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.StoreException;
import dev.lancebridge.support.Declared;
import dev.lancebridge.support.IngestSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.support.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline stepped by hand, without nats-server: fake deliveries that record how they were
 * settled, a fake consumer, a clock that moves only when the pipeline sleeps, and a real table.
 * Each test drives one decision: ack after commit, redelivery, nak after a failed commit, dead
 * letter when deliveries run out, a hold through an outage, and shutdown with a batch in hand.
 */
class TablePipelineTest {

    private static final int DIM = 4;
    /** Deliveries before a failing event is dead-lettered. */
    private static final int MAX_DELIVER = 3;
    /** A batch held longer than a third of it gets heartbeats. */
    private static final Duration ACK_WAIT = Duration.ofMillis(600);

    @TempDir
    Path dir;
    private LanceStore store;
    private LanceTable table;
    private final FakeConsumer consumer = new FakeConsumer();
    private final FakeClock clock = new FakeClock();
    private final List<Message> letters = new ArrayList<>();
    private final FakeEmbedder embedder = new FakeEmbedder();
    /** Runs before each commit the pipeline tries; may throw to fail it. */
    private Consumer<Integer> beforeCommit = attempt -> { };
    private boolean storeWritable = true;
    private int commitAttempts;
    private TablePipeline pipeline;

    @BeforeEach
    void open() {
        store = new LanceStore(dir);
        table = store.open("events", DIM, FakeEmbedder.MODEL);
        Committer committer = Committer.of(changes -> {
            beforeCommit.accept(++commitAttempts);
            return table.commit(changes);
        }, () -> storeWritable, table::ackedThrough);
        pipeline = new TablePipeline("events", consumer, () -> true, Declared.plainNormalizer(DIM),
                new EmbedStage(embedder, table::storedVectors), committer,
                new DeadLetters((letter, options) -> letters.add(letter), "events"),
                IngestSettings.quick(ACK_WAIT, MAX_DELIVER, Duration.ofSeconds(2)),
                new PipelineMetrics(new SimpleMeterRegistry(), "events"), clock);
        pipeline.begin();
    }

    @AfterEach
    void close() {
        pipeline.stop(Duration.ofSeconds(1));
        store.close();
    }

    @Test
    void everyDeliveryIsAckedOnlyAfterTheCommitThatHoldsIt() {
        FakeDelivery first = upsert(1, "a", "alpha");
        FakeDelivery second = upsert(2, "b", "beta");
        beforeCommit = attempt -> {
            assertFalse(first.acked || second.acked, "nothing is acked before its commit returned");
            assertEquals(2, pipeline.state().eventsInHand());
        };
        consumer.deliver(first, second);
        assertTrue(pipeline.step());

        assertTrue(first.acked && second.acked);
        assertEquals(0, first.naks + second.naks);
        assertEquals(2, table.countRows(null));
        assertEquals(0, pipeline.state().eventsInHand());
        assertEquals(Duration.ZERO, pipeline.pauseBeforeFetch());
    }

    @Test
    void aRedeliveryIsStoredOnceAndAckedAgain() {
        deliverAndStep(upsert(1, "a", "alpha"));
        FakeDelivery again = upsert(1, "a", "alpha").deliveredTimes(2);
        deliverAndStep(again);

        assertTrue(again.acked);
        assertEquals(1, table.countRows(null));
        assertEquals(1, embedder.texts, "the stored vector of an unchanged text is kept, not computed again");
    }

    /**
     * The second copy of an insert arrives after the first was acked and after the delete behind
     * it was acked too (the heartbeat came late, ack-wait ran out): the row stays deleted.
     */
    @Test
    void aLateCopyOfAnAckedInsertDoesNotBringItsDeletedRowBack() {
        deliverAndStep(upsert(1, "a", "alpha"));
        deliverAndStep(delete(2, "a"));
        consumer.ackFloor = 2;
        pipeline.watchConsumer();

        FakeDelivery late = upsert(1, "a", "alpha").deliveredTimes(2);
        deliverAndStep(late);
        assertTrue(late.acked);
        assertEquals(0, table.countRows(null));
    }

    @Test
    void aFailedCommitIsNakedWithGrowingDelaysAndDeadLetteredWhenItsDeliveriesRunOut() {
        beforeCommit = attempt -> {
            throw new StoreException("injected: Lance refused the row", null);
        };
        for (int delivery = 1; delivery < MAX_DELIVER; delivery++) {
            FakeDelivery event = upsert(1, "a", "alpha").deliveredTimes(delivery);
            deliverAndStep(event);
            assertFalse(event.acked);
            assertEquals(1, event.naks);
            assertEquals(Duration.ofMillis(100).multipliedBy(1L << (delivery - 1)), event.nakDelay, "delivery " + delivery);
            assertEquals(event.nakDelay, pipeline.pauseBeforeFetch(), "the next fetch waits as long");
            assertTrue(pipeline.state().retrying());
        }
        FakeDelivery last = upsert(1, "a", "alpha").deliveredTimes(MAX_DELIVER);
        deliverAndStep(last);

        assertTrue(last.acked, "acked once its dead letter is stored");
        assertEquals(0, last.naks);
        assertEquals(1, letters.size());
        assertEquals(Rejection.Reason.RETRIES_EXHAUSTED.name(), letters.get(0).getHeaders().getFirst(DeadLetters.ERROR));
        assertTrue(letters.get(0).getHeaders().getFirst(DeadLetters.ERROR_DETAIL).contains("injected: Lance refused the row"));
        assertEquals("1", letters.get(0).getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ));

        beforeCommit = attempt -> { };
        deliverAndStep(upsert(2, "b", "beta"));
        assertEquals(Duration.ZERO, pipeline.pauseBeforeFetch(), "a commit resets the delay");
    }

    @Test
    void theEventAtFaultIsDeadLetteredAndTheRestOfItsBatchStored() {
        beforeCommit = attempt -> {
            if (attempt == 1 || attempt == 3) { // the whole batch, then the half that holds 'poison'
                throw new StoreException("injected: Lance refused row poison", null);
            }
        };
        FakeDelivery good = upsert(1, "good", "fine");
        FakeDelivery poison = upsert(2, "poison", "refused");
        deliverAndStep(good, poison);

        assertTrue(good.acked && poison.acked);
        assertEquals(1, letters.size());
        assertEquals(Rejection.Reason.COMMIT_FAILED.name(), letters.get(0).getHeaders().getFirst(DeadLetters.ERROR));
        assertEquals(1, table.countRows("id = 'good'"));
        assertEquals(0, table.countRows("id = 'poison'"));
    }

    @Test
    void aStoreOutageHoldsTheBatchUnderHeartbeatsWithoutNakUntilTheStoreTakesWritesAgain() {
        FakeDelivery event = upsert(1, "a", "alpha");
        long start = clock.nanoTime();
        beforeCommit = attempt -> {
            if (attempt <= 4) {
                storeWritable = false;
                pipeline.markInProgress(); // what the heartbeat thread does meanwhile
                throw new StoreException("injected: no space left on device", null);
            }
            storeWritable = true;
        };
        deliverAndStep(event);

        assertTrue(event.acked);
        assertEquals(0, event.naks, "an outage uses up no delivery");
        assertTrue(letters.isEmpty(), "nothing is dead-lettered for an outage");
        assertEquals(2, event.inProgress, "heartbeats once held longer than a third of ack-wait: at 300 and 700 ms");
        assertEquals(Duration.ofMillis(100 + 200 + 400 + 800), Duration.ofNanos(clock.nanoTime() - start), "backed off in between");
        assertNull(pipeline.state().waitingFor());
        assertEquals(1, table.countRows(null));
    }

    @Test
    void anEmbedderOutageHoldsTheBatchAndReportsWhatItWaitsFor() {
        FakeDelivery event = upsert(1, "a", "alpha");
        List<String> reported = new ArrayList<>();
        embedder.unavailableFor = 3;
        embedder.whileUnavailable = () -> reported.add(pipeline.state().waitingFor());
        deliverAndStep(event);

        assertNull(reported.get(0), "nothing to report before the first try");
        assertEquals("the embedder: injected: connection refused", reported.get(2));
        assertTrue(event.acked);
        assertEquals(0, event.naks);
        assertNull(pipeline.state().waitingFor());
    }

    @Test
    void aFailedEmbedIsNakedLikeAFailedCommit() {
        FakeDelivery event = upsert(1, "a", "alpha");
        embedder.failures = 1;
        deliverAndStep(event);

        assertFalse(event.acked);
        assertEquals(Duration.ofMillis(100), event.nakDelay);
        assertEquals(0, commitAttempts, "nothing reaches the store");
        assertEquals(0, pipeline.state().eventsInHand());
    }

    @Test
    void shutdownWithABatchHeldInHandGivesItBackAtOnceAndEndsTheStream() {
        FakeDelivery event = upsert(1, "a", "alpha");
        beforeCommit = attempt -> {
            storeWritable = false;
            if (attempt == 2) {
                pipeline.halt(); // shutdown while the batch waits for the store
            }
            throw new StoreException("injected: read-only file system", null);
        };
        consumer.deliver(event);
        assertTrue(pipeline.step());

        assertFalse(event.acked);
        assertEquals(1, event.naks, "naked without delay: the next run takes it");
        assertEquals(Duration.ZERO, event.nakDelay);
        assertEquals(0, pipeline.state().eventsInHand());

        beforeCommit = attempt -> storeWritable = true;
        FakeDelivery straggler = upsert(2, "b", "beta");
        consumer.stragglers.add(straggler);
        assertTrue(pipeline.step(), "a delivery that came after the last fetch gave up is still taken");
        assertTrue(straggler.acked);
        assertFalse(pipeline.step(), "then the stream ends");
    }

    @Test
    void aFailedFetchWaitsLongerEachTimeAndHoldsNothing() {
        consumer.down = true;
        pipeline.step();
        assertEquals(Duration.ofMillis(100), pipeline.pauseBeforeFetch());
        pipeline.step();
        assertEquals(Duration.ofMillis(200), pipeline.pauseBeforeFetch());
        assertTrue(pipeline.state().fetchError().contains("Connection closed"));
        consumer.down = false;
        pipeline.step();
        assertEquals(Duration.ZERO, pipeline.pauseBeforeFetch());
        assertNull(pipeline.state().fetchError());
    }

    /** Quiet: batches of batch-size (10 here). Behind: each full fetch asks for twice as many, up to max-batch-size (40). */
    @Test
    void batchesGrowUnderABacklogAndShrinkWhenTheStreamIsQuiet() {
        List<Integer> asked = new ArrayList<>();
        long seq = 1;
        for (int got : new int[] {10, 20, 40, 40, 5, 10}) {
            asked.add(pipeline.fetchSize());
            FakeDelivery[] batch = new FakeDelivery[got];
            for (int i = 0; i < got; i++, seq++) {
                batch[i] = upsert(seq, "id-" + seq, "text " + seq);
            }
            deliverAndStep(batch);
        }
        assertEquals(List.of(10, 20, 40, 40, 40, 10), asked);
        assertEquals(20, pipeline.fetchSize(), "a full batch of 10 asks for 20 next");
        assertEquals(seq - 1, table.countRows(null));
        assertEquals(10, TablePipeline.nextFetchSize(40, 39, 10, 40), "one short of full: back to batch-size");
        assertEquals(10, TablePipeline.nextFetchSize(10, 10, 10, 5), "max-batch-size below batch-size means batch-size");
    }

    /** One iteration that fetches {@code deliveries}. */
    private void deliverAndStep(Delivery... deliveries) {
        consumer.deliver(deliveries);
        pipeline.step();
    }

    private static FakeDelivery upsert(long seq, String id, String text) {
        return new FakeDelivery(seq, null, "{\"id\": \"" + id + "\", \"text\": \"" + text + "\"}");
    }

    private static FakeDelivery delete(long seq, String id) {
        return new FakeDelivery(seq, "delete", "{\"id\": \"" + id + "\"}");
    }

    /** A delivery that records how the pipeline settled it. */
    private static final class FakeDelivery implements Delivery {
        private final long seq;
        private final String op;
        private final byte[] payload;
        private long delivered = 1;
        boolean acked;
        int naks;
        Duration nakDelay;
        int inProgress;

        FakeDelivery(long seq, String op, String payload) {
            this.seq = seq;
            this.op = op;
            this.payload = payload.getBytes(StandardCharsets.UTF_8);
        }

        FakeDelivery deliveredTimes(long times) {
            delivered = times;
            return this;
        }

        @Override
        public RawEvent event() {
            return new RawEvent("EVENTS", seq, subject(), 1_700_000_000_000L + seq, null, op, payload);
        }

        @Override
        public long streamSeq() {
            return seq;
        }

        @Override
        public String subject() {
            return "events.test";
        }

        @Override
        public boolean unreadable() {
            return false;
        }

        @Override
        public long storedAtMillis() {
            return 1_700_000_000_000L + seq;
        }

        @Override
        public long deliveredCount() {
            return delivered;
        }

        @Override
        public long pending() {
            return 0;
        }

        @Override
        public DeadLetters.Original original() {
            return new DeadLetters.Original("EVENTS", seq, subject(), null, payload);
        }

        @Override
        public void ack() {
            acked = true;
        }

        @Override
        public void nak() {
            naks++;
            nakDelay = Duration.ZERO;
        }

        @Override
        public void nakWithDelay(Duration delay) {
            naks++;
            nakDelay = delay;
        }

        @Override
        public void inProgress() {
            inProgress++;
        }
    }

    /** Hands out what the test delivered, one batch per fetch; down, it fails as a fetch without NATS does. */
    private static final class FakeConsumer implements EventSource {
        private final Deque<List<Delivery>> batches = new ArrayDeque<>();
        final List<Delivery> stragglers = new ArrayList<>();
        boolean down;
        long ackFloor;

        void deliver(Delivery... deliveries) {
            batches.add(List.of(deliveries));
        }

        @Override
        public List<Delivery> fetch(int maxMessages, Duration maxWait) {
            if (down) {
                throw new IllegalStateException("fetch from consumer bridge-events failed: Connection closed");
            }
            return batches.isEmpty() ? List.of() : batches.poll();
        }

        @Override
        public List<Delivery> stragglers(Duration wait) {
            List<Delivery> taken = List.copyOf(stragglers);
            stragglers.clear();
            return taken;
        }

        @Override
        public ConsumerInfo info() {
            return new ConsumerInfo(JsonParser.parseUnchecked("{\"name\": \"bridge-events\", \"num_pending\": 0, "
                    + "\"num_ack_pending\": 0, \"ack_floor\": {\"consumer_seq\": " + ackFloor + ", \"stream_seq\": " + ackFloor + "}}"));
        }

        @Override
        public String name() {
            return "bridge-events";
        }
    }

    /** Moves only when the pipeline sleeps, by exactly as long. */
    private static final class FakeClock implements PipelineClock {
        private long now = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration duration) {
            now += duration.toNanos();
        }
    }

    /** Vectors from the text's length; unavailable or failing on demand. */
    private static final class FakeEmbedder implements Embedder {
        static final String MODEL = "fake-model";
        int texts;
        int unavailableFor;
        Runnable whileUnavailable = () -> { };
        int failures;

        @Override
        public String model() {
            return MODEL;
        }

        @Override
        public int dimension() {
            return DIM;
        }

        @Override
        public List<float[]> embed(List<String> batch) {
            if (unavailableFor > 0) {
                unavailableFor--;
                whileUnavailable.run();
                throw new EmbedderUnavailableException("injected: connection refused", null);
            }
            if (failures > 0) {
                failures--;
                throw new IllegalStateException("injected: the model failed");
            }
            texts += batch.size();
            return batch.stream().map(text -> new float[] {text.length(), 1, 0, 0}).toList();
        }

        @Override
        public Optional<LanceDbFunction> lancedbFunction() {
            return Optional.empty();
        }
    }
}
