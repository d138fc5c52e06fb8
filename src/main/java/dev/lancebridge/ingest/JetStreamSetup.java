package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;

/** Creates what the bridge needs in JetStream when it is absent, and binds to it when it exists. */
final class JetStreamSetup {

    static final String DEAD_LETTER_STREAM = "BRIDGE_DLQ";
    static final String DEAD_LETTER_PREFIX = "bridge.dlq.";
    private static final int STREAM_NOT_FOUND = 10059;
    /** A consumer filter on subjects the stream does not carry. */
    private static final int FILTER_NOT_IN_STREAM = 10093;
    private static final Logger LOG = Logger.getLogger(JetStreamSetup.class);

    private JetStreamSetup() {
    }

    private static List<String> subjectsOf(JetStreamManagement jsm, String stream) {
        try {
            return jsm.getStreamInfo(stream).getConfiguration().getSubjects();
        } catch (JetStreamApiException | IOException e) {
            return List.of("unknown: " + e.getMessage());
        }
    }

    /** The stream {@code name} over {@code subjects}: created when absent, used as it is when present. */
    static void ensureStream(JetStreamManagement jsm, String name, List<String> subjects) {
        try {
            StreamInfo info = jsm.getStreamInfo(name);
            LOG.infof("bound to stream %s (subjects %s, %d messages)", name,
                    info.getConfiguration().getSubjects(), info.getStreamState().getMsgCount());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw new IllegalStateException("cannot read stream " + name + ": " + e.getMessage(), e);
            }
            create(jsm, limits(name, subjects));
            LOG.infof("created stream %s on subjects %s", name, subjects);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach JetStream to read stream " + name + ": " + e.getMessage(), e);
        }
    }

    /** The stream holding every table's dead letters on {@code bridge.dlq.<table>}. */
    static void ensureDeadLetterStream(JetStreamManagement jsm) {
        ensureStream(jsm, DEAD_LETTER_STREAM, List.of(DEAD_LETTER_PREFIX + ">"));
    }

    /**
     * A stream of the bridge's own that captures exactly {@code subjects} (e.g. advisories): created
     * when absent, its subjects set anew when the tables changed.
     */
    static void ensureCapture(JetStreamManagement jsm, String name, List<String> subjects) {
        try {
            StreamInfo info = jsm.getStreamInfo(name);
            if (!new java.util.HashSet<>(info.getConfiguration().getSubjects()).equals(new java.util.HashSet<>(subjects))) {
                jsm.updateStream(StreamConfiguration.builder(info.getConfiguration()).subjects(subjects).build());
                LOG.infof("stream %s now captures %s", name, subjects);
            }
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw new IllegalStateException("cannot read or update stream " + name + " on " + subjects + ": " + e.getMessage(), e);
            }
            create(jsm, limits(name, subjects));
            LOG.infof("created stream %s capturing %s", name, subjects);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach JetStream to read stream " + name + ": " + e.getMessage(), e);
        }
    }

    /** A file-backed stream with limits retention: what the bridge creates. */
    private static StreamConfiguration limits(String name, List<String> subjects) {
        return StreamConfiguration.builder()
                .name(name)
                .subjects(subjects)
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .build();
    }

    private static void create(JetStreamManagement jsm, StreamConfiguration config) {
        try {
            jsm.addStream(config);
        } catch (JetStreamApiException | IOException e) {
            throw new IllegalStateException("cannot create stream " + config.getName() + " on "
                    + config.getSubjects() + ": " + e.getMessage(), e);
        }
    }

    /** The durable consumer that feeds {@code table}. */
    static String consumerName(String table) {
        return "bridge-" + table;
    }

    /**
     * The durable pull consumer {@code bridge-<table>}: explicit acks, the ingest settings as
     * its backpressure window, redelivery time and delivery bound. Created or updated.
     */
    static String ensureConsumer(JetStreamManagement jsm, String table, BridgeConfig.Table config,
                                 BridgeConfig.Ingest ingest) {
        String durable = consumerName(table);
        ConsumerConfiguration.Builder consumer = ConsumerConfiguration.builder()
                .durable(durable)
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(ingest.ackWait())
                .maxDeliver(ingest.maxDeliver())
                .maxAckPending(ingest.maxAckPending())
                .description("Lance Event Bridge: table " + table);
        if (config.subjects().size() == 1) {
            consumer.filterSubject(config.subjects().get(0));
        } else {
            consumer.filterSubjects(config.subjects());
        }
        try {
            jsm.addOrUpdateConsumer(config.stream(), consumer.build());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == FILTER_NOT_IN_STREAM) {
                throw new IllegalStateException("bridge.tables." + table + ".subjects=" + String.join(",", config.subjects())
                        + ": stream " + config.stream() + " does not carry these subjects (its subjects: "
                        + subjectsOf(jsm, config.stream()) + "); add them to the stream, or name subjects it carries", e);
            }
            throw new IllegalStateException("cannot create or update consumer " + durable + " on stream "
                    + config.stream() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create or update consumer " + durable + " on stream "
                    + config.stream() + ": " + e.getMessage(), e);
        }
        return durable;
    }
}
