package dev.lancebridge.dev;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.ingest.NatsClient;
import dev.lancebridge.ingest.Pipelines;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Dev mode only: publishes 400 WordNet glosses to an empty {@code events} stream, so that a search
 * right after {@code ./mvnw quarkus:dev} returns real hits. Each carries its id as
 * {@code Nats-Msg-Id}, so seeding twice stores nothing twice.
 */
@ApplicationScoped
public class DevSeed {

    static final String RESOURCE = "/samples/wordnet-glosses.jsonl";
    static final String TABLE = "events";
    private static final Logger LOG = Logger.getLogger(DevSeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BridgeConfig config;
    private final NatsClient nats;

    public DevSeed(BridgeConfig config, NatsClient nats) {
        this.config = config;
        this.nats = nats;
    }

    void seed(@Observes @Priority(Pipelines.STARTUP_PRIORITY + 1) StartupEvent event) throws Exception {
        BridgeConfig.Table table = config.tables().get(TABLE);
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT || !config.dev().seed() || table == null
                || config.role() == dev.lancebridge.config.Role.SEARCH) { // the writer seeds; a replica publishes nothing
            return;
        }
        if (nats.management().getStreamInfo(table.stream()).getStreamState().getMsgCount() > 0) {
            return;
        }
        String subject = table.subjects().get(0).replace(">", "samples").replace("*", "samples");
        JetStream jetStream = nats.jetStream();
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        for (String line : sampleLines()) {
            Headers headers = new Headers().put("Nats-Msg-Id", JSON.readTree(line).get("id").asText());
            acks.add(jetStream.publishAsync(NatsMessage.builder().subject(subject).headers(headers)
                    .data(line.getBytes(StandardCharsets.UTF_8)).build()));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
        LOG.infof("dev mode: published %d WordNet glosses to %s; try: curl -s localhost:8080/tables/%s/search "
                + "-H 'content-type: application/json' -d '{\"query\": \"a large dog bred for hunting\", \"k\": 3}'",
                acks.size(), subject, TABLE);
    }

    private static List<String> sampleLines() throws IOException {
        try (InputStream in = DevSeed.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the application");
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(line -> !line.isBlank()).toList();
        }
    }
}
