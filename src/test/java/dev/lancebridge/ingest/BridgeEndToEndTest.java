package dev.lancebridge.ingest;

import dev.lancebridge.support.TableReads;
import dev.lancebridge.normalize.Rejection;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.support.Events;
import dev.lancebridge.support.NatsServerResource;
import dev.lancebridge.support.Node;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events published to a real nats-server end up in the real Lance table, exactly once. */
@QuarkusTest
@QuarkusTestResource(value = NatsServerResource.class, restrictToAnnotatedClass = false)
class BridgeEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    NatsClient nats;
    @Inject
    LanceStore store;

    private JetStream js() {
        return nats.jetStream();
    }

    private LanceTable table() {
        return store.table("events").orElseThrow();
    }

    private long count(String filter) {
        return table().countRows(filter);
    }

    private String textOf(String id) {
        float[] any = new float[384];
        java.util.Arrays.fill(any, 1f);
        List<Map<String, Object>> hits = TableReads.nearest(table(), any, 10, "id = '" + id + "'", List.of("id", "text"));
        assertEquals(1, hits.size(), "rows with id " + id);
        return (String) hits.get(0).get("text");
    }

    private static String vectorJson(int hot) {
        return IntStream.range(0, 384).mapToObj(i -> i == hot ? "1" : "0").collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void everyPublishedEventBecomesOneRow() {
        List<String> samples = Events.wordnetSamples().subList(0, 120);
        samples.forEach(line -> Events.publish(js(), "events.wordnet", line));
        await().atMost(WAIT).until(() -> count("id LIKE 'wn-%'") >= samples.size());
        assertEquals(samples.size(), count("id LIKE 'wn-%'"));
    }

    @Test
    void idFallsBackToMessageIdThenStreamSequence() {
        Events.publish(js(), "events.ids", "{\"text\": \"identified by header\"}", "Nats-Msg-Id", "hdr-1");
        long seq = Events.publish(js(), "events.ids", "{\"text\": \"identified by sequence\"}");
        await().atMost(WAIT).until(() -> count("id = 'hdr-1'") == 1 && count("id = 'EVENTS:" + seq + "'") == 1);
        assertEquals("identified by sequence", textOf("EVENTS:" + seq));
    }

    @Test
    void newestVersionWins() {
        Events.publish(js(), "events.versions", "{\"id\": \"doc-1\", \"text\": \"first draft\"}");
        Events.publish(js(), "events.versions", "{\"id\": \"doc-1\", \"text\": \"second draft\"}");
        Events.publish(js(), "events.versions", "{\"id\": \"doc-1\", \"text\": \"final text\"}");
        await().atMost(WAIT).until(() -> count("id = 'doc-1' AND text = 'final text'") == 1);
        assertEquals(1, count("id = 'doc-1'"));
    }

    @Test
    void deleteRemovesTheRowAndLaterEventsRecreateIt() {
        Events.publish(js(), "events.del", "{\"id\": \"gone\", \"text\": \"short lived\", \"vector\": " + vectorJson(1) + "}");
        Events.publish(js(), "events.del", "{\"id\": \"gone\"}", "Bridge-Op", "delete");
        Events.publish(js(), "events.del", "{\"id\": \"kept\", \"text\": \"marker after the delete\", \"vector\": " + vectorJson(2) + "}");
        await().atMost(WAIT).until(() -> count("id = 'kept'") == 1);
        assertEquals(0, count("id = 'gone'"));
        Events.publish(js(), "events.del", "{\"id\": \"gone\", \"text\": \"back again\", \"vector\": " + vectorJson(1) + "}");
        await().atMost(WAIT).until(() -> count("id = 'gone'") == 1);
        assertEquals("back again", textOf("gone"));
    }

    @Test
    void providedVectorsAreStoredAsIsAndMarked() {
        Events.publish(js(), "events.vec", "{\"id\": \"v-1\", \"text\": \"carries its vector\", \"vector\": " + vectorJson(7) + "}");
        await().atMost(WAIT).until(() -> count("id = 'v-1'") == 1);
        float[] query = new float[384];
        query[7] = 1;
        Map<String, Object> hit = TableReads.nearest(table(), query, 1, "id = 'v-1'", List.of("id", "embedding_model", "embedding_dim")).get(0);
        assertEquals("provided", hit.get("embedding_model"));
        assertEquals(384, hit.get("embedding_dim"));
        assertEquals(0f, (Float) hit.get("_distance"), 1e-6);
    }

    @Test
    void malformedEventsAreDeadLetteredAndDoNotBlockTheStream() {
        Map<String, Rejection.Reason> malformed = Map.of(
                "this is not json", Rejection.Reason.NOT_JSON,
                "[\"an\", \"array\"]", Rejection.Reason.NOT_AN_OBJECT,
                "{\"id\": \"no-text\"}", Rejection.Reason.MISSING_TEXT,
                "{\"text\": \"\"}", Rejection.Reason.INVALID_TEXT,
                "{\"text\": 12}", Rejection.Reason.INVALID_TEXT,
                "{\"text\": \"bad id\", \"id\": 1.5}", Rejection.Reason.INVALID_ID,
                "{\"text\": \"short vector\", \"vector\": [1, 2, 3]}", Rejection.Reason.INVALID_VECTOR);
        Map<Long, Rejection.Reason> expected = new java.util.HashMap<>();
        malformed.forEach((payload, reason) -> expected.put(Events.publish(js(), "events.bad", payload), reason));
        Events.publish(js(), "events.bad", "{\"id\": \"after-the-bad-ones\", \"text\": \"still ingested\"}");

        await().atMost(WAIT).until(() -> count("id = 'after-the-bad-ones'") == 1);
        JetStreamManagement jsm = nats.management();
        await().atMost(WAIT).until(() -> lettersFor(jsm, expected.keySet()).size() == expected.size());
        for (MessageInfo letter : lettersFor(jsm, expected.keySet())) {
            long seq = Long.parseLong(letter.getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ));
            assertEquals(expected.get(seq).name(), letter.getHeaders().getFirst(DeadLetters.ERROR));
            assertEquals("events.bad", letter.getHeaders().getFirst(DeadLetters.ORIGINAL_SUBJECT));
            assertEquals("EVENTS", letter.getHeaders().getFirst(DeadLetters.ORIGINAL_STREAM));
            assertEquals("bridge.dlq.events", letter.getSubject());
            assertTrue(!letter.getHeaders().getFirst(DeadLetters.ERROR_DETAIL).isBlank());
            String payload = new String(letter.getData(), StandardCharsets.UTF_8);
            assertTrue(malformed.containsKey(payload), "original payload kept: " + payload);
        }
    }

    @Test
    void anEventWhoseHeadersTheClientCannotReadIsDeadLetteredWithItsBytesAndTheRestFlow(@org.junit.jupiter.api.io.TempDir
                                                                                        java.nio.file.Path dir) throws Exception {
        Node.assumeInstalled("nats");
        // the NATS JS client sends a non-ASCII header value as UTF-8, which jnats's parser refuses
        java.nio.file.Path messages = dir.resolve("messages.json");
        java.nio.file.Files.writeString(messages, """
                [{"subject": "events.js", "data": "{\\"id\\": \\"js-accent\\", \\"text\\": \\"x\\"}", "headers": {"X-Note": "café"}},
                 {"subject": "events.js", "data": "{\\"id\\": \\"js-plain\\", \\"text\\": \\"after it\\"}", "headers": {"X-Note": "plain"}}]
                """);
        var published = Node.run(dir, "publish.mjs", nats.connection().getConnectedUrl(), messages.toString()).get("published");
        long unreadableSeq = published.get(0).get("seq").asLong();

        await().atMost(WAIT).until(() -> count("id = 'js-plain'") == 1);
        assertEquals(0, count("id = 'js-accent'"));
        JetStreamManagement jsm = nats.management();
        await().atMost(WAIT).until(() -> lettersFor(jsm, java.util.Set.of(unreadableSeq)).size() == 1);
        MessageInfo letter = lettersFor(jsm, java.util.Set.of(unreadableSeq)).get(0);
        assertEquals(Rejection.Reason.UNREADABLE_MESSAGE.name(), letter.getHeaders().getFirst(DeadLetters.ERROR));
        assertEquals("{\"id\": \"js-accent\", \"text\": \"x\"}", new String(letter.getData(), StandardCharsets.UTF_8));
        String original = new String(java.util.Base64.getDecoder().decode(letter.getHeaders().getFirst(HeaderGuard.UNREADABLE)),
                StandardCharsets.UTF_8);
        assertTrue(original.contains("X-Note: café"), original);
        Events.awaitCaughtUp(jsm, WAIT);
    }

    private static List<MessageInfo> lettersFor(JetStreamManagement jsm, java.util.Set<Long> seqs) {
        return Events.all(jsm, JetStreamSetup.DEAD_LETTER_STREAM).stream()
                .filter(m -> m.getHeaders() != null && m.getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ) != null)
                .filter(m -> seqs.contains(Long.parseLong(m.getHeaders().getFirst(DeadLetters.ORIGINAL_SEQ))))
                .toList();
    }

    @Test
    void everyMessageIsAckedOnceCommitted() throws Exception {
        Events.publish(js(), "events.acks", "{\"id\": \"ack-me\", \"text\": \"acked after commit\"}");
        await().atMost(WAIT).until(() -> count("id = 'ack-me'") == 1);
        Events.awaitCaughtUp(nats.management(), WAIT);
    }
}
