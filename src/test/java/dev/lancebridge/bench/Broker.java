package dev.lancebridge.bench;

import dev.lancebridge.dev.LocalNatsServer;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsMessage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A nats-server with the EVENTS stream, and the publishing and consumer reads a measurement needs. */
final class Broker implements AutoCloseable {

    final NatsServerRunner server;
    final Connection connection;
    private final Path dir;

    Broker(Path dir) throws Exception {
        this.dir = dir;
        server = LocalNatsServer.start(dir, null);
        connection = Nats.connect(server.getURI());
        connection.jetStreamManagement().addStream(StreamConfiguration.builder()
                .name("EVENTS").subjects("events.>").build());
    }

    /** The nats-server process, found by its store directory. */
    long pid() {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().map(line -> line.contains("nats-server") && line.contains(dir.toString()))
                        .orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("no nats-server serving " + dir)).pid();
    }

    String url() {
        return server.getURI();
    }

    JetStream js() throws java.io.IOException {
        return connection.jetStream();
    }

    JetStreamManagement jsm() throws java.io.IOException {
        return connection.jetStreamManagement();
    }

    /** Publishes payloads as fast as JetStream acks them (windows of 2000 in flight). */
    void publishAll(String subject, List<byte[]> payloads) throws Exception {
        JetStream js = js();
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        for (byte[] payload : payloads) {
            acks.add(js.publishAsync(NatsMessage.builder().subject(subject).data(payload).build()));
            if (acks.size() >= 2000) {
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
                acks.clear();
            }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
    }

    /** Messages of the stream that the bridge's consumer has acked (committed). */
    long acked(long total) throws Exception {
        ConsumerInfo info = jsm().getConsumerInfo("EVENTS", "bridge-events");
        return total - info.getNumPending() - info.getNumAckPending();
    }

    long messages() throws Exception {
        return jsm().getStreamInfo("EVENTS").getStreamState().getMsgCount();
    }

    @Override
    public void close() throws Exception {
        connection.close();
        server.close();
    }
}
