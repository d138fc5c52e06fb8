package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.StoreException;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.IngestSettings;
import dev.lancebridge.support.NoEmbedder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store refusing commits (disk full, store unwritable) holds the batch without using up its
 * deliveries and dead-letters nothing; an event whose commit fails alone is dead-lettered and the
 * rest of its batch commits; a hung writer or a client that stops reading is reported stalled.
 * Real nats-server, real Lance table, a commit step that fails.
 */
class CommitFailureTest {

    private static final int DIM = 4;

    @TempDir
    Path dir;
    private NatsServerRunner server;
    private Connection nats;
    private LanceStore store;
    private LanceTable table;
    private TablePipeline pipeline;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private volatile long firstFailureAt;
    /** What the store's write probe says: a full disk or a read-only directory refuses it. */
    private final java.util.concurrent.atomic.AtomicBoolean storeRefuses = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile String poisonId;
    private volatile java.util.concurrent.CountDownLatch hang = new java.util.concurrent.CountDownLatch(0);

    @BeforeEach
    void start() throws Exception {
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
        BridgeConfig.Ingest ingest = IngestSettings.quick(Duration.ofSeconds(5), 3, Duration.ofMillis(400));
        TableConsumer consumer = EventsConsumer.create(nats, ingest);
        store = new LanceStore(dir.resolve("store"));
        table = store.open("events", DIM, "test-model");
        Committer flaky = changes -> {
            try {
                hang.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (changes.stream().anyMatch(change -> change instanceof Row row && row.id().equals(poisonId))) {
                throw new StoreException("injected: Lance refused row " + poisonId, null);
            }
            if (failuresLeft.getAndDecrement() > 0) {
                if (failures.incrementAndGet() == 1) {
                    firstFailureAt = System.nanoTime();
                }
                throw new StoreException("injected: no space left on device", new java.io.IOException("ENOSPC"));
            }
            return table.commit(changes);
        };
        pipeline = new TablePipeline("events", consumer,
                () -> nats.getStatus() == Connection.Status.CONNECTED,
                dev.lancebridge.support.Declared.plainNormalizer(DIM), new EmbedStage(new NoEmbedder(DIM)),
                Committer.of(flaky, () -> !storeRefuses.get(), seq -> { }), new DeadLetters(nats.jetStream(), "events"), ingest,
                new PipelineMetrics(registry, "events"));
        pipeline.start();
    }

    @AfterEach
    void stop() throws Exception {
        hang.countDown();
        pipeline.stop(Duration.ofSeconds(10));
        store.close();
        nats.close();
        server.close();
    }

    private void publish(int count) throws java.io.IOException {
        for (int i = 0; i < count; i++) {
            Events.publish(nats.jetStream(), "events.cf", "{\"id\": \"cf-" + i + "\", \"text\": \"event " + i + "\", \"vector\": [1, " + i + ", 0, 0]}");
        }
    }

    @Test
    void aStoreThatRefusesCommitsHoldsTheBatchUsesNoDeliveryAndDeadLettersNothing() throws Exception {
        storeRefuses.set(true);
        failuresLeft.set(Integer.MAX_VALUE);
        publish(5);
        await().atMost(Duration.ofSeconds(30)).until(() -> failures.get() >= 3);
        PipelineState held = pipeline.state();
        assertTrue(held.waitingFor().startsWith("the store: injected: no space left on device"), held.toString());
        assertEquals(5, held.eventsInHand());
        assertEquals(null, held.stall(), "waiting for the store is not a stall: a restart would not help");
        assertEquals(1.0, registry.get("bridge.store.refusing.commits").gauge().value());
        assertEquals(0, nats.jetStreamManagement().getConsumerInfo("EVENTS", "bridge-events").getRedelivered(),
                "held under heartbeats, not naked: no delivery used up");

        failuresLeft.set(0);
        storeRefuses.set(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> table.countRows(null) == 5);
        Events.awaitCaughtUp(nats.jetStreamManagement(), Duration.ofSeconds(10));
        assertEquals(null, pipeline.state().waitingFor());
        assertEquals(0.0, registry.get("bridge.store.refusing.commits").gauge().value());
        assertTrue(letters().isEmpty(), "a store failure is not the events' fault");
        assertEquals(0, nats.jetStreamManagement().getConsumerInfo("EVENTS", "bridge-events").getRedelivered());
        assertTrue(registry.get("bridge.batch.failures").tag("stage", "commit").counter().count() >= 3);
        assertEquals(5, registry.get("bridge.events.committed").counter().count());
    }

    @Test
    void theEventThatCannotBeCommittedIsDeadLetteredAloneAndTheRestOfItsBatchCommits() throws Exception {
        poisonId = "cf-3";
        publish(6);
        await().atMost(Duration.ofSeconds(30)).until(() -> table.countRows(null) == 5 && letters().size() == 1);
        MessageInfo letter = letters().get(0);
        assertEquals("COMMIT_FAILED", letter.getHeaders().getFirst(DeadLetters.ERROR));
        assertTrue(letter.getHeaders().getFirst(DeadLetters.ERROR_DETAIL).contains("Lance refused row cf-3"));
        assertEquals("4", letter.getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ));
        Events.awaitCaughtUp(nats.jetStreamManagement(), Duration.ofSeconds(10));
        assertEquals(0, nats.jetStreamManagement().getConsumerInfo("EVENTS", "bridge-events").getRedelivered());
        assertEquals(0, table.countRows("id = 'cf-3'"));
    }

    @Test
    void aHungWriterMakesNoProgressWhileItsEventsWaitAndProgressResumesWithTheCommit() throws Exception {
        hang = new java.util.concurrent.CountDownLatch(1);
        publish(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.state().eventsInHand() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.state().sinceProgress().compareTo(Duration.ofSeconds(1)) > 0);
        assertEquals(2, pipeline.pendingAtServer(), "delivered, not acked");
        assertEquals(2.0, registry.get("bridge.events.in.hand").gauge().value());

        // reported stalled within 2x ack-wait (5 s here), with the stream sequence it is stuck at
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.state().stall() != null);
        assertTrue(pipeline.state().stall().startsWith("no commit for "), pipeline.state().stall());
        assertTrue(pipeline.state().stall().contains("first unacked at stream seq 1"), pipeline.state().stall());
        assertEquals(1.0, registry.get("bridge.consumer.stalled").gauge().value());

        hang.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> table.countRows(null) == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.state().stall() == null);
        assertEquals(0.0, registry.get("bridge.consumer.stalled").gauge().value());
        await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.pendingAtServer() == 0);
        // idle now: nothing in hand and no failure outstanding, which counts as progress
        await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.state().sinceProgress().compareTo(Duration.ofMillis(500)) < 0);
        assertEquals(0, pipeline.state().eventsInHand());
        assertEquals(null, pipeline.state().stoppedBy());
        assertEquals(null, pipeline.state().fetchError());
    }

    @Test
    void aClientThatStopsReadingIsReportedStalledThoughItsFetchesReturnQuietly() throws Exception {
        publish(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> table.countRows(null) == 1);
        // this pipeline's connection is jnats's plain socket: the header block kills its reader without a word
        Events.publishRaw(server.getURI(), "events.js", "NATS/1.0\r\nX-Note: café\r\n\r\n", "{\"id\": \"a\", \"text\": \"x\"}");
        try (Connection producer = Nats.connect(server.getURI())) {
            Events.publish(producer.jetStream(), "events.cf", "{\"id\": \"behind\", \"text\": \"behind it\", \"vector\": [1, 0, 0, 0]}");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.state().stall() != null);
        assertEquals(null, pipeline.state().fetchError(), "the fetches themselves say nothing");
        assertEquals(1.0, registry.get("bridge.consumer.stalled").gauge().value());
        assertEquals(1, table.countRows(null));
    }

    @Test
    void aWriterThatKeepsFailingMakesNoProgress() throws Exception {
        failuresLeft.set(Integer.MAX_VALUE);
        publish(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> failures.get() >= 1);
        // between retries nothing is in hand (and a fetch may come back empty), yet the failure
        // outstanding means no progress: the last progress predates the first failure
        await().atMost(Duration.ofSeconds(10)).until(() -> failures.get() >= 3);
        Duration sinceFirstFailure = Duration.ofNanos(System.nanoTime() - firstFailureAt);
        assertTrue(pipeline.state().sinceProgress().compareTo(sinceFirstFailure) >= 0,
                pipeline.state() + " vs " + sinceFirstFailure + " since the first failure");
    }

    private List<MessageInfo> letters() throws Exception {
        if (nats.jetStreamManagement().getStreamInfo(JetStreamSetup.DEAD_LETTER_STREAM).getStreamState().getMsgCount() == 0) {
            return List.of();
        }
        return Events.all(nats.jetStreamManagement(), JetStreamSetup.DEAD_LETTER_STREAM);
    }
}
