package dev.lancebridge.support;

import dev.lancebridge.dev.LocalNatsServer;
import io.nats.NatsServerRunner;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A real nats-server with JetStream on a free loopback port, and a fresh store directory, per test run. */
public class NatsServerResource implements QuarkusTestResourceLifecycleManager {

    private NatsServerRunner server;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("bridge-test");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        return Map.of("bridge.nats.url", server.getURI(), "bridge.store.path", dir.resolve("store").toString());
    }

    @Override
    public void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }
}
