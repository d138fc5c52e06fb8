package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.embed.Embedder;
import dev.lancebridge.embed.Embedders;
import dev.lancebridge.embed.LanceDbFunction;
import dev.lancebridge.normalize.Normalizer;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.TableLayout;
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
import java.util.List;
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
    private final Embedders embedders;
    private final Maintenance maintenance;
    private final StoreMetrics metrics;
    private final MeterRegistry registry;
    private final Map<String, TablePipeline> pipelines = new ConcurrentHashMap<>();

    public Pipelines(BridgeConfig config, NatsClient nats, LanceStore store, Embedders embedders, Maintenance maintenance,
                     StoreMetrics metrics, MeterRegistry registry) {
        this.config = config;
        this.nats = nats;
        this.store = store;
        this.embedders = embedders;
        this.maintenance = maintenance;
        this.metrics = metrics;
        this.registry = registry;
    }

    void start(@Observes @Priority(STARTUP_PRIORITY) StartupEvent event) {
        // every declaration and embedder is checked before anything connects or writes
        Map<String, TableDeclaration> tables = new java.util.TreeMap<>();
        Map<String, Embedder> embedderOf = new java.util.TreeMap<>();
        config.tables().forEach((name, table) -> {
            TableDeclaration declaration = TableDeclaration.of(name, table);
            tables.put(name, declaration);
            try {
                embedderOf.put(name, embedders.get(declaration.embedder()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bridge.tables." + name + ".embedder=" + declaration.embedder() + ": "
                        + e.getMessage(), e);
            }
        });
        Map<String, LanceTable> opened = new java.util.TreeMap<>();
        tables.forEach((name, declaration) -> opened.put(name, store.open(name, layout(declaration, embedderOf.get(name)))));
        nats.connect();
        JetStreamManagement jsm = nats.management();
        JetStreamSetup.ensureDeadLetterStream(jsm);
        // tables may share a stream on different subjects: a stream the bridge creates carries them all
        Map<String, java.util.SortedSet<String>> subjectsByStream = new java.util.TreeMap<>();
        tables.values().forEach(declaration -> subjectsByStream.computeIfAbsent(declaration.stream(), s -> new java.util.TreeSet<>())
                .addAll(declaration.subjects()));
        subjectsByStream.forEach((stream, subjects) -> JetStreamSetup.ensureStream(jsm, stream, List.copyOf(subjects)));
        tables.forEach((name, declaration) -> {
            BridgeConfig.Table table = config.tables().get(name);
            Embedder embedder = embedderOf.get(name);
            LanceTable lanceTable = opened.get(name);
            String durable = JetStreamSetup.ensureConsumer(jsm, name, table, config.ingest());
            Normalizer normalizer = new Normalizer(declaration, embedder.dimension(), embedder.embedsText() ? null : embedder.model());
            TablePipeline pipeline = new TablePipeline(name, subscribe(table.stream(), durable), normalizer,
                    new EmbedStage(embedder, lanceTable::storedVectors), lanceTable::commit,
                    new DeadLetters(nats.jetStream(), name), config.ingest(), new PipelineMetrics(registry, name));
            pipeline.start();
            pipelines.put(name, pipeline);
            maintenance.schedule(lanceTable);
            metrics.watch(lanceTable);
            LOG.infof("table %s: %s on %s -> %s (%d rows; embedder %s: %s, %d dimensions; columns %s)", name, table.stream(),
                    table.subjects(), lanceTable.path(), lanceTable.countRows(null), declaration.embedder(), embedder.model(),
                    embedder.dimension(), declaration.columns().stream().map(c -> c.name() + " " + c.type().declared()).toList());
        });
    }

    /** The table's schema as its declaration and embedder make it. */
    static TableLayout layout(TableDeclaration declaration, Embedder embedder) {
        LanceDbFunction function = embedder.lancedbFunction().orElse(null);
        return new TableLayout(declaration.columns(), embedder.dimension(), embedder.model(), function);
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
