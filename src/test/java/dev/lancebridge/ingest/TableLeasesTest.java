package dev.lancebridge.ingest;

import dev.lancebridge.dev.LocalNatsServer;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Table leases in a real nats-server's KV: one owner per table, taken back by the same owner, let go at stop or expiry. */
class TableLeasesTest {

    @TempDir
    static Path dir;
    private static NatsServerRunner server;
    private static Connection nats;

    @BeforeAll
    static void start() throws Exception {
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        nats = Nats.connect(server.getURI());
    }

    @AfterAll
    static void stop() throws Exception {
        nats.close();
        server.close();
    }

    private static void dropBucket() throws Exception {
        try {
            nats.keyValueManagement().delete(TableLeases.BUCKET);
        } catch (io.nats.client.JetStreamApiException none) {
            // not there yet
        }
    }

    @Test
    void aSecondOwnerIsRefusedTheSameOwnerTakesItBackAndAStopLetsGo() throws Exception {
        dropBucket();
        TableLeases first = TableLeases.open(nats, "writer-a", "s3://b/p", Duration.ofMinutes(1));
        first.takeAll(List.of("docs", "orders"));
        assertEquals(Set.of("docs", "orders"), first.held());

        TableLeases second = TableLeases.open(nats, "writer-b", "s3://b/p", Duration.ofMinutes(1));
        TableOwnedException refused = assertThrows(TableOwnedException.class, () -> second.takeAll(List.of("clips", "orders")));
        assertTrue(refused.getMessage().contains("'orders' is owned by the writer 'writer-a'"), refused.getMessage());
        assertEquals(Set.of(), second.held(), "all or nothing: clips was let go again");
        TableLeases third = TableLeases.open(nats, "writer-c", "s3://b/p", Duration.ofMinutes(1));
        third.takeAll(List.of("clips")); // free again
        third.close();

        // writer-a restarted (SIGKILLed: it never let go) takes its own leases back at once
        TableLeases restarted = TableLeases.open(nats, "writer-a", "s3://b/p", Duration.ofMinutes(1));
        restarted.takeAll(List.of("docs", "orders"));
        restarted.close();
        second.takeAll(List.of("orders"));
        assertEquals(Set.of("orders"), second.held());
        second.close();
    }

    @Test
    void aLeaseExpiresAfterItsOwnerStoppedRenewingAndTheOwnerHearsItLostIt() throws Exception {
        dropBucket();
        TableLeases stalled = TableLeases.open(nats, "writer-a", "dir", Duration.ofSeconds(1));
        stalled.takeAll(List.of("docs"));
        TableLeases other = TableLeases.open(nats, "writer-b", "dir", Duration.ofSeconds(1));
        assertThrows(TableOwnedException.class, () -> other.takeAll(List.of("docs")));
        // writer-a does not renew (paused, or NATS away): after the TTL the table is free
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                other.takeAll(List.of("docs"));
                return true;
            } catch (TableOwnedException stillHeld) {
                return false;
            }
        });
        List<String> lost = new CopyOnWriteArrayList<>();
        stalled.keepRenewed(lost::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> lost.equals(List.of("docs")));
        assertEquals(Set.of(), stalled.held());
        // the new owner keeps it while it renews
        other.keepRenewed(table -> { throw new AssertionError("writer-b lost " + table); });
        Thread.sleep(2_500);
        assertThrows(TableOwnedException.class,
                () -> TableLeases.open(nats, "writer-c", "dir", Duration.ofSeconds(1)).takeAll(List.of("docs")));
        other.close();
        stalled.close();
    }
}
