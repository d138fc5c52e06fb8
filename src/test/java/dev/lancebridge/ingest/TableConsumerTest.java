package dev.lancebridge.ingest;

import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.Declared;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.IngestSettings;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fetches bounded by bytes as well as count, against a real nats-server. */
class TableConsumerTest {

    private Path dir;
    private NatsServerRunner server;
    private Connection nats;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("table-consumer-test");
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
        JetStreamSetup.ensureStream(nats.jetStreamManagement(), "EVENTS", List.of("events.>"));
        JetStreamSetup.ensureConsumer(nats.jetStreamManagement(), "events", Declared.Table.of("EVENTS", "events.>"),
                IngestSettings.quick(Duration.ofSeconds(30), 5, Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() throws Exception {
        nats.close();
        server.close();
        TestFiles.deleteRecursively(dir);
    }

    @Test
    void aBatchOfLargeEventsIsCutByBytesNotOnlyByCount() throws Exception {
        String large = "{\"id\": \"%d\", \"text\": \"" + "x".repeat(300_000) + "\"}";
        for (int i = 0; i < 8; i++) {
            Events.publish(nats.jetStream(), "events.large", large.formatted(i));
        }
        // asked for 1 byte: bounded by the server's largest message instead (1 MB + room for headers), never below it
        TableConsumer consumer = TableConsumer.bind(nats, "EVENTS", "bridge-events", 1);
        assertEquals(nats.getServerInfo().getMaxPayload() + 64 * 1024, consumer.maxBytes());
        int fetched = 0;
        int batches = 0;
        while (fetched < 8) {
            List<Delivery> batch = consumer.fetch(500, Duration.ofSeconds(1));
            assertTrue(batch.size() <= 3, "1.06 MB holds at most three events of 300 KB: " + batch.size());
            batch.forEach(Delivery::ack);
            fetched += batch.size();
            assertTrue(++batches <= 8, "every fetch brings at least one event");
        }
        assertEquals(8, fetched);
        assertTrue(consumer.fetch(500, Duration.ofMillis(200)).isEmpty());
    }

    @Test
    void aFetchWithoutNatsFailsLoudly() throws Exception {
        TableConsumer consumer = TableConsumer.bind(nats, "EVENTS", "bridge-events", 16 << 20);
        nats.close();
        assertThrows(IllegalStateException.class, () -> consumer.fetch(10, Duration.ofMillis(200)));
    }
}
