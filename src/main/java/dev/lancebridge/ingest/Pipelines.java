package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.embed.Embedder;
import dev.lancebridge.normalize.Normalizer;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.Maintenance;
import dev.lancebridge.store.StoreMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PullSubscribeOptions;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts one {@link TablePipeline} per declared table when the application starts, and drains
 * them, then closes the store and NATS, when it stops.
 */
@ApplicationScoped
public class Pipelines {

    /** Startup order: pipelines first, then anything that publishes into them (dev seeding). */
    public static final int STARTUP_PRIORITY = Interceptor.Priority.APPLICATION;
    private static final Logger LOG = Logger.getLogger(Pipelines.class);

    private final BridgeConfig config;
    private final NatsClient nats;
    private final LanceStore store;
    private final Embedder embedder;
    private final Maintenance maintenance;
    private final StoreMetrics metrics;
    private final MeterRegistry registry;
    private final Map<String, TablePipeline> pipelines = new ConcurrentHashMap<>();

    public Pipelines(BridgeConfig config, NatsClient nats, LanceStore store, Embedder embedder, Maintenance maintenance,
                     StoreMetrics metrics, MeterRegistry registry) {
        this.config = config;
        this.nats = nats;
        this.store = store;
        this.embedder = embedder;
        this.maintenance = maintenance;
        this.metrics = metrics;
        this.registry = registry;
    }

    void start(@Observes @Priority(STARTUP_PRIORITY) StartupEvent event) {
        nats.connect();
        JetStreamManagement jsm = nats.management();
        JetStreamSetup.ensureDeadLetterStream(jsm);
        Normalizer normalizer = new Normalizer(embedder.dimension());
        EmbedStage embedStage = new EmbedStage(embedder);
        config.tables().forEach((name, table) -> {
            JetStreamSetup.ensureStream(jsm, table.stream(), table.subjects());
            String durable = JetStreamSetup.ensureConsumer(jsm, name, table, config.ingest());
            LanceTable lanceTable = store.open(name, embedder.dimension(), embedder.model());
            TablePipeline pipeline = new TablePipeline(name, subscribe(table.stream(), durable), normalizer,
                    embedStage, lanceTable::commit, new DeadLetters(nats.jetStream(), name), config.ingest(),
                    new PipelineMetrics(registry, name));
            pipeline.start();
            pipelines.put(name, pipeline);
            maintenance.schedule(lanceTable);
            metrics.watch(lanceTable);
            LOG.infof("table %s: %s on %s -> %s (%d rows)", name, table.stream(), table.subjects(),
                    lanceTable.path(), lanceTable.countRows(null));
        });
    }

    private JetStreamSubscription subscribe(String stream, String durable) {
        try {
            return nats.jetStream().subscribe(null, PullSubscribeOptions.bind(stream, durable));
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot bind to consumer " + durable + " of stream " + stream
                    + ": " + e.getMessage(), e);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        maintenance.stop();
        pipelines.forEach((name, pipeline) -> {
            boolean drained = pipeline.stop(config.ingest().shutdownGrace());
            LOG.infof("table %s: pipeline stopped (%s)", name, drained ? "drained" : "in-flight batches left for redelivery");
        });
        pipelines.clear();
        store.close();
        nats.close();
    }

    /** True when every declared table has a running pipeline. */
    public boolean allRunning() {
        return pipelines.size() == config.tables().size()
                && pipelines.values().stream().allMatch(TablePipeline::running);
    }

    public boolean natsConnected() {
        return nats.connected();
    }

    /** Every running table's pipeline state, by table name. */
    public Map<String, PipelineState> states() {
        Map<String, PipelineState> states = new java.util.TreeMap<>();
        pipelines.forEach((name, pipeline) -> states.put(name, pipeline.state()));
        return states;
    }

    /** Events the consumer of {@code table} holds (undelivered or unacked); -1 when NATS cannot say. */
    public long pendingAtServer(String table) {
        TablePipeline pipeline = pipelines.get(table);
        return pipeline == null ? -1 : pipeline.pendingAtServer();
    }
}
