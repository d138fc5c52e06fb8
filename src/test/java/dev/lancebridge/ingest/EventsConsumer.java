package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.support.Declared;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;

import java.io.IOException;

/** For tests that build a pipeline by hand: stream EVENTS, the dead-letter stream and consumer {@code bridge-events}, as the bridge makes them. */
final class EventsConsumer {

    private EventsConsumer() {
    }

    /** Creates them on {@code nats} and binds to the consumer. */
    static TableConsumer create(Connection nats, BridgeConfig.Ingest ingest) throws IOException {
        JetStreamManagement jsm = nats.jetStreamManagement();
        BridgeConfig.Table declared = Declared.Table.of("EVENTS", "events.>");
        JetStreamSetup.ensureDeadLetterStream(jsm);
        JetStreamSetup.ensureStream(jsm, declared.stream(), declared.subjects());
        String durable = JetStreamSetup.ensureConsumer(jsm, "events", declared, ingest);
        return TableConsumer.bind(nats, declared.stream(), durable, ingest.maxBatchBytes().asLongValue());
    }
}
