package dev.lancebridge.ingest;

import dev.lancebridge.config.DaemonThreads;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.normalize.Rejection;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Nothing leaves a table's stream unseen: when JetStream gives up on an event of a bridge
 * consumer (max-deliver reached: the bridge crashed, was OOM-killed or restarted while it held
 * the event, or could not dead-letter it) or something else terminates one, it raises an
 * advisory. Stream {@value #STREAM} captures those advisories, so the ones raised while the
 * bridge is down wait for it; its consumer {@value #DURABLE} reads each, fetches the event by
 * stream sequence and dead-letters it ({@code MAX_DELIVERIES}, {@code MSG_TERMINATED}). An
 * advisory is acked only once its dead letter is stored; a failed publish is retried, never dropped.
 */
final class Advisories {

    static final String STREAM = "BRIDGE_ADVISORIES";
    static final String DURABLE = "bridge-advisories";
    static final String MAX_DELIVERIES = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.";
    static final String TERMINATED = "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.";
    private static final Logger LOG = Logger.getLogger(Advisories.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One advisory about a bridge consumer's event. */
    record Advisory(String stream, String consumer, long streamSeq, Rejection.Reason reason, String detail) {

        /** Null when {@code data} is not an advisory the bridge acts on. */
        static Advisory parse(byte[] data) {
            JsonNode json;
            try {
                json = JSON.readTree(data);
            } catch (IOException e) {
                return null;
            }
            String type = json.path("type").asText();
            String stream = json.path("stream").asText(null);
            String consumer = json.path("consumer").asText(null);
            long seq = json.path("stream_seq").asLong(-1);
            if (stream == null || consumer == null || seq < 1) {
                return null;
            }
            if (type.endsWith(".max_deliver")) {
                return new Advisory(stream, consumer, seq, Rejection.Reason.MAX_DELIVERIES, "JetStream stopped delivering it after "
                        + json.path("deliveries").asLong() + " deliveries, none of which the bridge could commit or dead-letter"
                        + " (a crash, an OOM kill or a restart while it held the event, or a failed dead-letter publish)");
            }
            if (type.endsWith(".terminated")) {
                return new Advisory(stream, consumer, seq, Rejection.Reason.MSG_TERMINATED, "its delivery was terminated"
                        + " outside the bridge after " + json.path("deliveries").asLong() + " deliveries");
            }
            return null;
        }
    }

    private final JetStream jetStream;
    private final StreamMessages messages;
    /** Dead letters by the consumer of their table ({@code bridge-<table>}). */
    private final Map<String, DeadLetters> lettersByConsumer;
    private final Map<String, String> tableByConsumer;
    private final BridgeConfig.Ingest settings;
    private final MeterRegistry registry;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("advisories"));
    private volatile boolean running;
    private JetStreamSubscription subscription;

    Advisories(JetStream jetStream, StreamMessages messages, Map<String, String> tableByConsumer,
               Map<String, DeadLetters> lettersByConsumer, BridgeConfig.Ingest settings, MeterRegistry registry) {
        this.jetStream = jetStream;
        this.messages = messages;
        this.tableByConsumer = Map.copyOf(tableByConsumer);
        this.lettersByConsumer = Map.copyOf(lettersByConsumer);
        this.settings = settings;
        this.registry = registry;
    }

    /** The advisory subjects of one bridge consumer. */
    static List<String> subjects(String stream, String consumer) {
        return List.of(MAX_DELIVERIES + stream + "." + consumer, TERMINATED + stream + "." + consumer);
    }

    /** Captures the advisories of {@code consumersByStream} (stream → its bridge consumers) and starts reading them. */
    void start(JetStreamManagement jsm, Map<String, List<String>> consumersByStream) {
        List<String> subjects = new ArrayList<>();
        consumersByStream.forEach((stream, consumers) -> consumers.forEach(consumer -> subjects.addAll(subjects(stream, consumer))));
        JetStreamSetup.ensureCapture(jsm, STREAM, subjects);
        ConsumerConfiguration consumer = ConsumerConfiguration.builder()
                .durable(DURABLE)
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(Duration.ofSeconds(30))
                .maxDeliver(-1)
                .description("Lance Event Bridge: dead-letters what JetStream gave up on")
                .build();
        try {
            jsm.addOrUpdateConsumer(STREAM, consumer);
            subscription = jetStream.subscribe(null, PullSubscribeOptions.bind(STREAM, DURABLE));
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot create or bind consumer " + DURABLE + " on stream " + STREAM + ": " + e.getMessage(), e);
        }
        running = true;
        thread.execute(this::loop);
    }

    void stop() {
        running = false;
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        try {
            subscription.unsubscribe(); // nobody reads it any more: a drain must not wait on it
        } catch (RuntimeException e) {
            // the connection is closing anyway
        }
    }

    private void loop() {
        while (running) {
            List<Message> batch;
            try {
                batch = subscription.fetch(100, Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.debugf("advisories: fetch failed (%s); retrying", e.getMessage());
                sleep(settings.retryDelay());
                continue;
            }
            batch.forEach(this::handle);
        }
    }

    /** Dead-letters what {@code advisory} names, then acks it; naks it (to retry) when that cannot be done now. */
    void handle(Message advisory) {
        Advisory parsed = Advisory.parse(advisory.getData());
        DeadLetters letters = parsed == null ? null : lettersByConsumer.get(parsed.consumer());
        if (letters == null) {
            advisory.ack(); // not about a consumer of this bridge's tables
            return;
        }
        String table = tableByConsumer.get(parsed.consumer());
        try {
            Optional<DeadLetters.Original> original = messages.get(parsed.stream(), parsed.streamSeq());
            if (original.isEmpty()) {
                LOG.warnf("table %s: %s seq %d was given up by JetStream (%s), but the stream no longer holds it: nothing to dead-letter",
                        table, parsed.stream(), parsed.streamSeq(), parsed.reason());
            } else {
                letters.publish(original.get(), parsed.reason(), parsed.detail());
                PipelineMetrics.deadLettered(registry, table, parsed.reason());
                LOG.warnf("table %s: dead-lettered subject=%s seq=%d to %s: %s %s", table, original.get().subject(),
                        parsed.streamSeq(), letters.subject(), parsed.reason(), parsed.detail());
            }
            advisory.ack();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            Duration delay = delayAfter(advisory.metaData().deliveredCount());
            LOG.errorf("table %s: could not dead-letter %s seq %d (%s) that JetStream gave up on: %s; retrying in %s", table,
                    parsed.stream(), parsed.streamSeq(), parsed.reason(), e.getMessage(), delay);
            advisory.nakWithDelay(delay);
        }
    }

    private Duration delayAfter(long deliveries) {
        Duration delay = settings.retryDelay().multipliedBy(1L << Math.min(20, Math.max(0, deliveries - 1)));
        return delay.compareTo(settings.maxRetryDelay()) > 0 ? settings.maxRetryDelay() : delay;
    }

    private void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
