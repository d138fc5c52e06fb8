package dev.lancebridge.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.ingest.NatsClient;
import dev.lancebridge.store.LanceStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** 60 WordNet glosses as rows api-0..api-59 of table events (api-53 is the Scottish deerhound), published once per run. */
public final class GlossCorpus {

    public static final int SIZE = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private GlossCorpus() {
    }

    public static void ensurePublished(NatsClient nats, LanceStore store) throws Exception {
        if (store.table("events").orElseThrow().countRows("id LIKE 'api-%'") == SIZE) {
            return;
        }
        List<String> samples = Events.wordnetSamples();
        for (int i = 0; i < SIZE; i++) {
            String text = JSON.readTree(samples.get(i)).get("text").asText();
            Events.publish(nats.jetStream(), "events.api", JSON.writeValueAsString(Map.of("id", "api-" + i, "text", text)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> store.table("events").orElseThrow().countRows("id LIKE 'api-%'") == SIZE);
    }
}
