package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.IngestSettings;
import dev.lancebridge.support.NoEmbedder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real full disk under a real Lance table: a small tmpfs as the store (root may mount one; any
 * other user gets a read-only store directory instead). The batch is held, no delivery is used up,
 * nothing is dead-lettered, and ingest resumes by itself once there is room again.
 */
class DiskFullTest {

    private static final int DIM = 4;

    @TempDir
    Path dir;
    private Path storeDir;
    private boolean mounted;
    private NatsServerRunner server;
    private Connection nats;
    private LanceStore store;
    private LanceTable table;
    private TablePipeline pipeline;

    @BeforeEach
    void start() throws Exception {
        storeDir = Files.createDirectories(dir.resolve("store"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", storeDir.toString());
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
        BridgeConfig.Ingest ingest = IngestSettings.quick(Duration.ofSeconds(5), 3, Duration.ofMillis(400));
        TableConsumer consumer = EventsConsumer.create(nats, ingest);
        store = new LanceStore(storeDir);
        table = store.open("events", DIM, NoEmbedder.MODEL);
        pipeline = new TablePipeline("events", consumer,
                () -> nats.getStatus() == Connection.Status.CONNECTED, dev.lancebridge.support.Declared.plainNormalizer(DIM),
                new EmbedStage(new NoEmbedder(DIM)),
                Committer.of(table::commit, store::writable, table::ackedThrough), new DeadLetters(nats.jetStream(), "events"),
                ingest, new PipelineMetrics(new SimpleMeterRegistry(), "events"));
        pipeline.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(10));
        }
        if (store != null) {
            store.close();
        }
        nats.close();
        server.close();
        storeDir.toFile().setWritable(true);
        if (mounted) {
            run("umount", storeDir.toString());
        }
    }

    private static boolean run(String... command) throws Exception {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private void publish(int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            Events.publish(nats.jetStream(), "events.df", "{\"id\": \"df-" + i + "\", \"text\": \"event " + i + "\", \"vector\": [1, "
                    + i + ", 0, 0]}");
        }
    }

    /** Fills the tmpfs to the last byte; or, without one, makes the store directory read-only. */
    private Path fillTheDisk() throws IOException {
        Path filler = storeDir.resolve("filler");
        if (!mounted) {
            Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                    "root may neither mount a tmpfs here nor be stopped by a read-only directory");
            assertTrue(storeDir.resolve("events.lance").toFile().setWritable(false, false));
            storeDir.resolve("events.lance").toFile().listFiles(file -> file.setWritable(false, false) || true);
            assertTrue(storeDir.toFile().setWritable(false, false));
            return null;
        }
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            return filler;
        }
    }

    @Test
    void aFullDiskHoldsIngestWithoutLosingOrDeadLetteringAnythingAndIngestResumesWhenThereIsRoom() throws Exception {
        publish(0, 5);
        await().atMost(Duration.ofSeconds(30)).until(() -> table.countRows(null) == 5);
        Events.awaitCaughtUp(nats.jetStreamManagement(), Duration.ofSeconds(10));

        Path filler = fillTheDisk();
        assertTrue(!store.writable(), "the store's probe sees the full disk");
        publish(5, 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.state().waitingFor() != null);
        assertTrue(pipeline.state().waitingFor().startsWith("the store: "), pipeline.state().toString());
        Thread.sleep(2_000); // several attempts while the disk stays full
        assertEquals(5, table.countRows(null));
        assertEquals(5, pipeline.state().eventsInHand());
        JetStreamManagement jsm = nats.jetStreamManagement();
        assertEquals(0, jsm.getConsumerInfo("EVENTS", "bridge-events").getRedelivered(), "no delivery used up");
        assertEquals(0, jsm.getStreamInfo(JetStreamSetup.DEAD_LETTER_STREAM).getStreamState().getMsgCount());

        if (filler != null) {
            Files.delete(filler);
        } else {
            storeDir.toFile().setWritable(true, false);
            storeDir.resolve("events.lance").toFile().listFiles(file -> file.setWritable(true, false) || true);
            storeDir.resolve("events.lance").toFile().setWritable(true, false);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> table.countRows(null) == 10);
        Events.awaitCaughtUp(jsm, Duration.ofSeconds(10));
        assertEquals(null, pipeline.state().waitingFor());
        assertEquals(0, jsm.getConsumerInfo("EVENTS", "bridge-events").getRedelivered());
        assertEquals(0, jsm.getStreamInfo(JetStreamSetup.DEAD_LETTER_STREAM).getStreamState().getMsgCount());
    }
}
