package dev.lancebridge.ingest;

import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.TestFiles;
import io.nats.NatsServerRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A password planted in BRIDGE_NATS_URL never reaches the log: not when connected, not when NATS cannot be reached. */
class SecretsInLogsIT {

    private static final String SECRET = "planted-s3cret-9f2c";

    @Test
    void aNatsUrlsPasswordNeverReachesTheLog() throws Exception {
        Path dir = Files.createTempDirectory("bridge-secrets-it");
        NatsServerRunner server = LocalNatsServer.start(dir.resolve("nats"), null, "--user", "bridge", "--pass", SECRET);
        Path log = Path.of("target", "secrets-it-bridge.log");
        Files.deleteIfExists(log);
        try {
            String url = "nats://bridge:" + SECRET + "@127.0.0.1:" + server.getPort();
            try (BridgeProcess bridge = BridgeProcess.start(url, dir.resolve("store"), log)) {
                assertEquals(200, bridge.status("/tables/events"));
            }
            String connected = Files.readString(log);
            assertTrue(connected.contains("connected to NATS at nats://bridge:***@127.0.0.1:" + server.getPort()), connected);
            assertFalse(connected.contains(SECRET), "the password is in the log");
            assertTrue(connected.contains("The API is open"), "no key configured: a production start says so");

            // NATS unreachable: the start-up failure names the URL, without its password
            server.close();
            Process failing = BridgeProcess.command(url, dir.resolve("store"), log, java.util.Map.of("BRIDGE_NATS_CONNECT_TIMEOUT", "2s"))
                    .start();
            assertTrue(failing.waitFor(90, TimeUnit.SECONDS), "start-up gives up");
            assertNotEquals(0, failing.exitValue());
            String failed = Files.readString(log);
            assertTrue(failed.contains("cannot reach NATS at nats://bridge:***@127.0.0.1:" + server.getPort()), failed);
            assertFalse(failed.contains(SECRET), "the password is in the log");
        } finally {
            server.close();
            TestFiles.deleteRecursively(dir);
        }
    }
}
