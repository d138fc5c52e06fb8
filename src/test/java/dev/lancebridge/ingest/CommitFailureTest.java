package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.embed.Embedder;
import dev.lancebridge.normalize.Normalizer;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.StoreException;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.IngestSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
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
 * The store failing to commit (disk full, store unwritable) is transient: the batch is naked
 * with backoff and retried, never dead-lettered early; only events that used up their
 * deliveries are dead-lettered. Real nats-server, real Lance table, a commit step that fails.
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
    private volatile java.util.concurrent.CountDownLatch hang = new java.util.concurrent.CountDownLatch(0);

    @BeforeEach
    void start() throws Exception {
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
        JetStreamManagement jsm = nats.jetStreamManagement();
        BridgeConfig.Table declared = dev.lancebridge.support.Declared.Table.of("EVENTS", "events.>");
        BridgeConfig.Ingest ingest = IngestSettings.quick(Duration.ofSeconds(5), 3, Duration.ofMillis(400));
        JetStreamSetup.ensureDeadLetterStream(jsm);
        JetStreamSetup.ensureStream(jsm, declared.stream(), declared.subjects());
        String durable = JetStreamSetup.ensureConsumer(jsm, "events", declared, ingest);
        store = new LanceStore(dir.resolve("store"));
        table = store.open("events", DIM, "test-model");
        TablePipeline.Committer flaky = changes -> {
            try {
                hang.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failuresLeft.getAndDecrement() > 0) {
                if (failures.incrementAndGet() == 1) {
                    firstFailureAt = System.nanoTime();
                }
                throw new StoreException("injected: no space left on device", new java.io.IOException("ENOSPC"));
            }
            return table.commit(changes);
        };
        pipeline = new TablePipeline("events", nats.jetStream().subscribe(null, PullSubscribeOptions.bind("EVENTS", durable)),
                new Normalizer(DIM), new EmbedStage(new NoEmbedder()), flaky, new DeadLetters(nats.jetStream(), "events"), ingest,
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
    void failedCommitsAreRetriedUntilTheyHoldAndNothingIsDeadLettered() throws Exception {
        failuresLeft.set(2);
        publish(5);
        await().atMost(Duration.ofSeconds(30)).until(() -> table.countRows(null) == 5);
        assertEquals(2, failures.get());
        Events.awaitCaughtUp(nats.jetStreamManagement(), Duration.ofSeconds(10));
        assertTrue(letters().isEmpty(), "a store failure is not poison");
        assertEquals(2, registry.get("bridge.batch.failures").tag("stage", "commit").counter().count());
        assertEquals(5, registry.get("bridge.events.committed").counter().count());
        assertTrue(registry.get("bridge.events.redelivered").counter().count() >= 5, "the failed batches came back");
    }

    @Test
    void aHungWriterMakesNoProgressWhileItsEventsWaitAndProgressResumesWithTheCommit() throws Exception {
        hang = new java.util.concurrent.CountDownLatch(1);
        publish(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.state().eventsInHand() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.state().sinceProgress().compareTo(Duration.ofSeconds(1)) > 0);
        assertEquals(2, pipeline.pendingAtServer(), "delivered, not acked");
        assertEquals(2.0, registry.get("bridge.events.in.hand").gauge().value());

        hang.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> table.countRows(null) == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.pendingAtServer() == 0);
        // idle now: nothing in hand and no failure outstanding, which counts as progress
        await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.state().sinceProgress().compareTo(Duration.ofMillis(500)) < 0);
        assertEquals(0, pipeline.state().eventsInHand());
        assertEquals(null, pipeline.state().stoppedBy());
        assertEquals(null, pipeline.state().fetchError());
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

    /** The events carry their vectors: the model must not be called. */
    private static final class NoEmbedder implements Embedder {
        @Override
        public String model() {
            return "test-model";
        }

        @Override
        public int dimension() {
            return DIM;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            throw new AssertionError("the embedder was called for events that carry vectors");
        }

        @Override
        public java.util.Optional<dev.lancebridge.embed.LanceDbFunction> lancedbFunction() {
            return java.util.Optional.empty();
        }
    }
}
