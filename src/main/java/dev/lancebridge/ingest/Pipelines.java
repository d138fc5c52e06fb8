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
import dev.lancebridge.store.StoredEmbedding;
import dev.lancebridge.store.Ordering;
import dev.lancebridge.store.TableLayout;
import dev.lancebridge.store.Maintenance;
import dev.lancebridge.store.StoreException;
import dev.lancebridge.store.StoreMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.JetStreamManagement;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final Map<String, TableDeclaration> declarations = new java.util.TreeMap<>();
    private final Map<String, Embedder> declaredEmbedders = new ConcurrentHashMap<>();
    /** Each table's normalizer (pure, so shared by its pipeline and the checks of written events). */
    private final Map<String, Normalizer> normalizers = new ConcurrentHashMap<>();
    private final Map<String, HeldTable> held = new ConcurrentHashMap<>();
    private Advisories advisories;
    private TableLeases leases;
    /** Tables whose lease another writer took while this one ran: they no longer consume. */
    private final Map<String, String> lostLeases = new ConcurrentHashMap<>();
    private volatile boolean started;

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
        embedders.validate();
        config.tables().forEach((name, table) -> {
            TableDeclaration declaration = TableDeclaration.of(name, table, dev.lancebridge.store.TableSchema.BUILT_IN_COLUMNS);
            declarations.put(name, declaration);
            try {
                declaredEmbedders.put(name, embedders.get(declaration.embedder()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bridge.tables." + name + ".embedder=" + declaration.embedder() + ": "
                        + e.getMessage(), e);
            }
        });
        if (searchReplica()) {
            // a search replica: no consumer, no commit; SearchReplica opens and follows the tables, and connects NATS
            started = true;
            return;
        }
        store.requireSafeCommits();
        nats.connect();
        takeLeases();
        declarations.forEach((name, declaration) -> {
            try {
                openTable(name, declaration);
            } catch (dev.lancebridge.store.IncompatibleTableException incompatible) {
                throw incompatible; // the declaration is at fault, not the table: say what to do and stop
            } catch (StoreException unreadable) {
                // one table's damage must not stop the others: it is reported, its events wait in the stream
                store.markBroken(name, unreadable.getMessage());
                LOG.errorf("table %s: could not be opened, so it is out of service while the other tables go on (roll it "
                        + "back to its previous version, see the README's Operations, and restart): %s", name, unreadable.getMessage());
            }
        });
        JetStreamManagement jsm = nats.management();
        JetStreamSetup.ensureDeadLetterStream(jsm);
        // tables may share a stream on different subjects: a stream the bridge creates carries them all
        Map<String, java.util.SortedSet<String>> subjectsByStream = new java.util.TreeMap<>();
        declarations.values().forEach(declaration -> subjectsByStream.computeIfAbsent(declaration.stream(), s -> new java.util.TreeSet<>())
                .addAll(declaration.subjects()));
        subjectsByStream.forEach((stream, subjects) -> JetStreamSetup.ensureStream(jsm, stream, List.copyOf(subjects)));
        declarations.forEach((name, declaration) -> JetStreamSetup.ensureConsumer(jsm, name, config.tables().get(name), config.ingest()));
        startAdvisories(jsm);
        declarations.forEach((name, declaration) -> {
            if (store.broken(name).isPresent()) {
                return;
            }
            LanceTable table = store.table(name).orElseThrow();
            table.onCommitted(version -> CommitAnnouncements.announce(nats.connectionOrNull(), name, version));
            maintenance.schedule(table);
            metrics.watch(table);
            if (!held.containsKey(name)) {
                startPipeline(name);
            }
        });
        started = true;
    }

    /** True once every table is open and its consumer bound (or held). */
    public boolean started() {
        return started;
    }

    /** Opens {@code name}'s table; one whose stored vectors are of another model than declared is held. */
    private void openTable(String name, TableDeclaration declaration) {
        Embedder embedder = declaredEmbedders.get(name);
        Optional<StoredEmbedding> stored = store.storedEmbedding(name);
        if (stored.isPresent() && !stored.get().matches(embedder.model(), embedder.dimension())) {
            // never mix two models: the table keeps serving what it holds, its events wait in the stream
            HeldTable hold = new HeldTable(name, stored.get(), embedder.model(), embedder.dimension());
            held.put(name, hold);
            store.open(name, new TableLayout(declaration.columns(), stored.get().dimension(), stored.get().model(), null,
                    ordering(declaration)));
            LOG.warnf("table %s: %s", name, hold.reason());
        } else {
            store.open(name, layout(declaration, embedder));
        }
    }

    /** The lease of every declared table (bridge.writer.leases): refuses to start when another writer owns one. */
    private void takeLeases() {
        if (!config.writer().leases()) {
            return;
        }
        String owner = config.writer().id().orElseGet(Pipelines::hostName);
        try {
            leases = TableLeases.open(nats.connection(), owner, store.location().toString(), config.writer().leaseTtl());
            leases.takeAll(declarations.keySet());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot take the table leases in NATS KV (" + TableLeases.BUCKET + "): " + e.getMessage(), e);
        }
        leases.keepRenewed(this::leaseLost);
        LOG.infof("writer %s holds the leases of %s", owner, declarations.keySet());
    }

    /** Another writer took {@code table} (this one lost NATS past the lease TTL): stop consuming it, keep serving search. */
    private void leaseLost(String table) {
        lostLeases.put(table, "lease lost: another writer took the table; restart this writer once it is sorted out");
        TablePipeline pipeline = pipelines.remove(table);
        if (pipeline != null) {
            pipeline.stop(config.ingest().shutdownGrace());
        }
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** Dead-letters what JetStream gives up on, for every table (held ones too). */
    private void startAdvisories(JetStreamManagement jsm) {
        Map<String, String> tableByConsumer = new java.util.HashMap<>();
        Map<String, DeadLetters> letters = new java.util.HashMap<>();
        Map<String, List<String>> consumersByStream = new java.util.TreeMap<>();
        declarations.forEach((name, declaration) -> {
            String consumer = JetStreamSetup.consumerName(name);
            tableByConsumer.put(consumer, name);
            letters.put(consumer, new DeadLetters(nats.jetStream(), name));
            consumersByStream.computeIfAbsent(declaration.stream(), s -> new java.util.ArrayList<>()).add(consumer);
        });
        advisories = new Advisories(nats.jetStream(), new StreamMessages(nats.connection(), config.nats().connectTimeout()),
                tableByConsumer, letters, config.ingest(), registry);
        advisories.start(jsm, consumersByStream);
    }

    /** Starts the pipeline of {@code name}, whose table holds vectors of its declared embedder. */
    private void startPipeline(String name) {
        TableDeclaration declaration = declarations.get(name);
        BridgeConfig.Table table = config.tables().get(name);
        Embedder embedder = declaredEmbedders.get(name);
        LanceTable lanceTable = store.table(name).orElseThrow();
        Normalizer normalizer = normalizer(name);
        TablePipeline pipeline = new TablePipeline(name, TableConsumer.bind(nats.connection(), table.stream(),
                JetStreamSetup.consumerName(name), config.ingest().maxBatchBytes().asLongValue()),
                nats::connected, normalizer, new EmbedStage(embedder, lanceTable::storedVectors),
                Committer.of(lanceTable::commit, store::writable, lanceTable::ackedThrough),
                new DeadLetters(nats.jetStream(), name), config.ingest(), new PipelineMetrics(registry, name));
        pipeline.start();
        pipelines.put(name, pipeline);
        LOG.infof("table %s: %s on %s -> %s (%d rows; embedder %s: %s, %d dimensions; columns %s)", name, table.stream(),
                table.subjects(), lanceTable.uri(), lanceTable.countRows(null), declaration.embedder(), embedder.model(),
                embedder.dimension(), declaration.columns().stream().map(c -> c.name() + " " + c.type().declared()).toList());
    }

    /** How {@code table}'s events become rows: what its pipeline runs, and what checks a write before it is published. */
    private Normalizer normalizer(String table) {
        return normalizers.computeIfAbsent(table, name -> {
            Embedder embedder = declaredEmbedders.get(name);
            return new Normalizer(declarations.get(name), embedder.dimension(), embedder.embedsText() ? null : embedder.model());
        });
    }

    /**
     * Why {@code table}'s pipeline would dead-letter this event, or empty when it would take it: a
     * write made of events is checked with this before anything is published.
     *
     * @param op the {@code Bridge-Op} header, or null for an upsert
     */
    public java.util.Optional<String> rejectionOf(String table, String subject, String msgId, String op, byte[] payload) {
        TableDeclaration declaration = declarations.get(table);
        dev.lancebridge.normalize.Normalized normalized = normalizer(table).normalize(
                new dev.lancebridge.normalize.RawEvent(declaration.stream(), 0, subject, System.currentTimeMillis(), msgId, op, payload));
        return normalized instanceof dev.lancebridge.normalize.Rejection rejection
                ? java.util.Optional.of(rejection.reason() + ": " + rejection.detail()) : java.util.Optional.empty();
    }

    /** The layout {@code table} is written in with its declared embedder (a search replica opens it so). */
    public TableLayout layoutOf(String table) {
        return layout(declarations.get(table), declaredEmbedders.get(table));
    }

    /** True on a search replica ({@code bridge.role=search}): no consumer, no commit. */
    public boolean searchReplica() {
        return config.role() == dev.lancebridge.config.Role.SEARCH;
    }

    /** The table as declared, checked. */
    public TableDeclaration declaration(String table) {
        return declarations.get(table);
    }

    /** The tables that could not be opened at start-up, with why. */
    public Map<String, String> broken() {
        Map<String, String> broken = new java.util.TreeMap<>();
        declarations.keySet().forEach(name -> store.broken(name).ifPresent(reason -> broken.put(name, reason)));
        return broken;
    }

    /** Tables whose lease another writer took while this one ran, and why they stopped. */
    public Map<String, String> lostLeases() {
        return java.util.Collections.unmodifiableMap(lostLeases);
    }

    /** Every declared table, by name. */
    public java.util.Set<String> tables() {
        return java.util.Collections.unmodifiableSet(declarations.keySet());
    }

    /** The tables whose stored vectors are of another model than their declaration names, by name. */
    public Map<String, HeldTable> held() {
        return Map.copyOf(held);
    }

    /** The embedder a table's declaration names. */
    public Embedder declaredEmbedder(String table) {
        return declaredEmbedders.get(table);
    }

    /** The layout a held table gets once its vectors are of its declared embedder. */
    public TableLayout declaredLayout(String table) {
        return layout(declarations.get(table), declaredEmbedders.get(table));
    }

    /** A held table was re-embedded with its declared embedder: its pipeline starts, its waiting events flow. */
    public void resume(String table) {
        if (held.remove(table) != null) {
            startPipeline(table);
        }
    }

    /** The table's schema as its declaration and embedder make it. */
    static TableLayout layout(TableDeclaration declaration, Embedder embedder) {
        LanceDbFunction function = embedder.lancedbFunction().orElse(null);
        return new TableLayout(declaration.columns(), embedder.dimension(), embedder.model(), function, ordering(declaration));
    }

    /** A Debezium table's rows are ordered by their source position, the others' by stream sequence. */
    static Ordering ordering(TableDeclaration declaration) {
        return declaration.format() == dev.lancebridge.config.TableFormat.DEBEZIUM
                ? Ordering.source(declaration.tombstoneRetention()) : Ordering.STREAM;
    }

    void stop(@Observes ShutdownEvent event) {
        maintenance.stop();
        pipelines.forEach((name, pipeline) -> {
            boolean drained = pipeline.stop(config.ingest().shutdownGrace());
            LOG.infof("table %s: pipeline stopped (%s)", name, drained ? "drained" : "in-flight batches left for redelivery");
        });
        pipelines.clear();
        if (advisories != null) {
            advisories.stop();
        }
        if (leases != null) {
            leases.close(); // after the pipelines drained: no commit of ours follows
        }
        store.close();
        nats.close();
    }

    /** True when every declared table has a running pipeline, or is held for a re-embed. */
    public boolean allRunning() {
        return lostLeases.isEmpty() && pipelines.size() + held.size() + broken().size() == config.tables().size()
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
