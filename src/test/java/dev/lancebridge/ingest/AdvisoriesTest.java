package dev.lancebridge.ingest;

import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.normalize.Rejection;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.IngestSettings;
import dev.lancebridge.support.TestFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JetStream giving up on an event (max-deliver) never drops it: a real nats-server, the bridge's advisory consumer. */
class AdvisoriesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration ACK_WAIT = Duration.ofMillis(500);

    private Path dir;
    private NatsServerRunner server;
    private Connection connection;
    private JetStream js;
    private JetStreamManagement jsm;
    private Advisories advisories;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("advisories-test");
        server = LocalNatsServer.start(dir.resolve("nats"), null);
        connection = Nats.connect(Options.builder().server(server.getURI()).dataPortType(GuardedDataPort.class.getName()).build());
        js = connection.jetStream();
        jsm = connection.jetStreamManagement();
        JetStreamSetup.ensureStream(jsm, "EVENTS", List.of("events.>"));
        JetStreamSetup.ensureDeadLetterStream(jsm);
        jsm.addOrUpdateConsumer("EVENTS", ConsumerConfiguration.builder().durable("bridge-events").ackPolicy(AckPolicy.Explicit)
                .ackWait(ACK_WAIT).maxDeliver(2).build());
    }

    @AfterEach
    void stop() throws Exception {
        if (advisories != null) {
            advisories.stop();
        }
        connection.close();
        server.close();
        TestFiles.deleteRecursively(dir);
    }

    private Advisories advisories() {
        return new Advisories(js, new StreamMessages(connection, Duration.ofSeconds(5)), Map.of("bridge-events", "events"),
                Map.of("bridge-events", new DeadLetters(js, "events")), IngestSettings.quick(ACK_WAIT, 2, Duration.ofSeconds(1)), new SimpleMeterRegistry());
    }

    /** Delivers every pending event {@code times} times and never acks, as a bridge that crashes with each batch would. */
    private void crashLoop(int times) throws Exception {
        JetStreamSubscription crashing = js.subscribe(null, PullSubscribeOptions.bind("EVENTS", "bridge-events"));
        for (int i = 0; i < times; i++) {
            await().atMost(WAIT).until(() -> !crashing.fetch(10, Duration.ofMillis(200)).isEmpty());
            Thread.sleep(ACK_WAIT.toMillis() + 100);
        }
        // the next pull finds the events past max-deliver: JetStream gives up and raises the advisory
        await().atMost(WAIT).until(() -> crashing.fetch(10, Duration.ofMillis(200)).isEmpty()
                && jsm.getStreamInfo(Advisories.STREAM).getStreamState().getMsgCount() > 0);
        crashing.unsubscribe();
    }

    private List<MessageInfo> letters() {
        return Events.all(jsm, JetStreamSetup.DEAD_LETTER_STREAM);
    }

    @Test
    void anEventJetStreamGaveUpOnWhileTheBridgeWasDownIsDeadLetteredWithItsBytes() throws Exception {
        // a previous run of the bridge left the capture in place; this one is down while the events exhaust
        JetStreamSetup.ensureCapture(jsm, Advisories.STREAM, Advisories.subjects("EVENTS", "bridge-events"));
        long seq = Events.publish(js, "events.crash", "{\"id\": \"c-1\", \"text\": \"crashes its bridge\"}", "X-Trace", "t-1");
        crashLoop(2);

        advisories = advisories();
        advisories.start(jsm, Map.of("EVENTS", List.of("bridge-events")));
        await().atMost(WAIT).until(() -> letters().size() == 1);
        MessageInfo letter = letters().get(0);
        assertEquals(Rejection.Reason.MAX_DELIVERIES.name(), letter.getHeaders().getFirst(DeadLetters.ERROR));
        assertEquals(Long.toString(seq), letter.getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ));
        assertEquals("events.crash", letter.getHeaders().getFirst(DeadLetters.ORIGINAL_SUBJECT));
        assertEquals("t-1", letter.getHeaders().getFirst("X-Trace"));
        assertEquals("{\"id\": \"c-1\", \"text\": \"crashes its bridge\"}", new String(letter.getData(), StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> jsm.getConsumerInfo(Advisories.STREAM, Advisories.DURABLE).getNumAckPending() == 0);
    }

    @Test
    void aDeadLetterThatCannotBeStoredIsRetriedUntilItIs() throws Exception {
        advisories = advisories();
        advisories.start(jsm, Map.of("EVENTS", List.of("bridge-events")));
        jsm.deleteStream(JetStreamSetup.DEAD_LETTER_STREAM); // every dead-letter publish now fails
        Events.publish(js, "events.crash", "{\"id\": \"c-2\", \"text\": \"crashes too\"}");
        crashLoop(2);
        await().atMost(WAIT).until(() -> jsm.getConsumerInfo(Advisories.STREAM, Advisories.DURABLE).getRedelivered() > 0);
        assertEquals(1, jsm.getConsumerInfo(Advisories.STREAM, Advisories.DURABLE).getNumAckPending(), "held, not acked");

        JetStreamSetup.ensureDeadLetterStream(jsm);
        await().atMost(WAIT).until(() -> letters().size() == 1);
        assertEquals(Rejection.Reason.MAX_DELIVERIES.name(), letters().get(0).getHeaders().getFirst(DeadLetters.ERROR));
        await().atMost(WAIT).until(() -> jsm.getConsumerInfo(Advisories.STREAM, Advisories.DURABLE).getNumAckPending() == 0);
    }

    @Test
    void rawReadsKeepHeadersTheClientCannotParse() throws Exception {
        byte[] block = "NATS/1.0\r\nX-Note: café\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        String answer = "{\"message\": {\"subject\": \"events.js\", \"seq\": 7, \"hdrs\": \"" + Base64.getEncoder().encodeToString(block)
                + "\", \"data\": \"" + Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8)) + "\"}}";
        DeadLetters.Original original = StreamMessages.parse("EVENTS", 7, answer.getBytes(StandardCharsets.UTF_8)).orElseThrow();
        assertEquals(Base64.getEncoder().encodeToString(block), original.headers().getFirst(HeaderGuard.UNREADABLE));
        assertEquals("events.js", original.subject());

        String readable = "{\"message\": {\"subject\": \"events.a\", \"seq\": 8, \"hdrs\": \"" + Base64.getEncoder()
                .encodeToString("NATS/1.0\r\nX-Trace: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + "\"}}";
        assertEquals("t", StreamMessages.parse("EVENTS", 8, readable.getBytes(StandardCharsets.UTF_8)).orElseThrow().headers().getFirst("X-Trace"));
        assertEquals(Optional.empty(), StreamMessages.parse("EVENTS", 9,
                "{\"error\": {\"code\": 404, \"err_code\": 10037, \"description\": \"no message found\"}}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(java.io.IOException.class, () -> StreamMessages.parse("EVENTS", 9, "<html>".getBytes(StandardCharsets.UTF_8)));
        assertThrows(java.io.IOException.class, () -> StreamMessages.parse("EVENTS", 9, "{\"message\": {\"seq\": 3}}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(Advisories.Advisory.parse("not json".getBytes(StandardCharsets.UTF_8)) == null);
    }
}
