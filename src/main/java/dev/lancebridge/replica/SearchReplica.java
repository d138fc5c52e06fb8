package dev.lancebridge.replica;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.ingest.CommitAnnouncements;
import dev.lancebridge.ingest.NatsClient;
import dev.lancebridge.ingest.Pipelines;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A search replica ({@code bridge.role=search}): serves the API from the store and follows the
 * versions the writer commits, with no consumer and no commit of its own. A table switches to a
 * newer version when the writer announces one ({@link CommitAnnouncements}) and at the latest at
 * the next check ({@code bridge.replica.poll-interval}); one thread does both, so checks of a table
 * never overlap. A table the writer has not created yet is opened once it exists.
 */
@ApplicationScoped
public class SearchReplica {

    private static final Logger LOG = Logger.getLogger(SearchReplica.class);
    /** How often a replica that started without NATS tries to reach it (as often as jnats reconnects). */
    private static final Duration RETRY_CONNECT = io.nats.client.Options.DEFAULT_RECONNECT_WAIT;

    private final BridgeConfig config;
    private final Pipelines pipelines;
    private final LanceStore store;
    private final NatsClient nats;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, FollowState> states = new ConcurrentHashMap<>();
    private ScheduledExecutorService follower;
    private volatile Dispatcher announcements;

    public SearchReplica(BridgeConfig config, Pipelines pipelines, LanceStore store, NatsClient nats, MeterRegistry registry) {
        this.config = config;
        this.pipelines = pipelines;
        this.store = store;
        this.nats = nats;
        this.registry = registry;
        this.clock = Clock.systemUTC();
    }

    /** After {@link Pipelines} checked the declarations (and, in this role, only connected NATS). */
    void start(@Observes @Priority(Pipelines.STARTUP_PRIORITY + 1) StartupEvent event) {
        if (!pipelines.searchReplica()) {
            return;
        }
        follower = Executors.newSingleThreadScheduledExecutor(dev.lancebridge.config.DaemonThreads.named("replica-follower"));
        for (String table : pipelines.tables()) {
            states.put(table, FollowState.NOT_YET);
            Gauge.builder("bridge.replica.version", () -> states.get(table).version()).tag("table", table)
                    .description("the table version this search replica serves (-1: not created by the writer yet)").register(registry);
            Gauge.builder("bridge.replica.lag", () -> states.get(table).lagMs() / 1000.0).tag("table", table).baseUnit("seconds")
                    .description("from the writer's commit of the version served to this replica serving it").register(registry);
            Gauge.builder("bridge.replica.since.check", () -> states.get(table).secondsSinceCheck(clock.instant())).tag("table", table)
                    .baseUnit("seconds").description("since this replica last asked the store for a newer version").register(registry);
            check(table); // open what exists before traffic comes (readiness waits for every table)
        }
        // NATS only speeds the following up: without it (not there yet, or down) the checks below still follow the store
        nats.connectWhenReachable(RETRY_CONNECT, this::listen);
        long every = config.replica().pollInterval().toMillis();
        follower.scheduleWithFixedDelay(() -> states.keySet().forEach(this::check), every, every, TimeUnit.MILLISECONDS);
        LOG.infof("search replica of %s at %s: following the writer (announcements on %s, checks every %s)",
                pipelines.tables(), store.location(), CommitAnnouncements.ALL, config.replica().pollInterval());
    }

    /** Checks a table as soon as its writer announces a commit. */
    private void listen(Connection connection) {
        Dispatcher dispatcher = connection.createDispatcher(message ->
                CommitAnnouncements.table(message).filter(states::containsKey).ifPresent(table -> follower.execute(() -> check(table))));
        dispatcher.subscribe(CommitAnnouncements.ALL);
        announcements = dispatcher;
    }

    /** Opens the table once the writer made it, then switches it to the newest committed version. */
    void check(String table) {
        try {
            Optional<LanceTable> open = store.table(table).or(() -> store.openReadOnly(table, pipelines.layoutOf(table)));
            if (open.isEmpty()) {
                states.compute(table, (t, state) -> state.failed("the writer has not created the table yet"));
                return;
            }
            Optional<Instant> committedAt = open.get().follow();
            Instant now = clock.instant();
            long served = open.get().snapshot().version();
            states.compute(table, (t, state) -> committedAt
                    .map(at -> state.switched(served, Duration.between(at, now), now))
                    .orElseGet(() -> state.checked(served, now)));
        } catch (RuntimeException e) {
            FollowState before = states.get(table);
            states.compute(table, (t, state) -> state.failed(e.getMessage()));
            if (before == null || before.error() == null) {
                LOG.warnf("table %s: could not follow the writer (search serves version %d meanwhile): %s", table,
                        before == null ? -1 : before.version(), e.getMessage());
            }
        }
    }

    /** How far {@code table} is behind its writer; empty on a writer. */
    public Optional<FollowState> state(String table) {
        return Optional.ofNullable(states.get(table));
    }

    /** Before the store and NATS close ({@link Pipelines#stop} runs after this). */
    void stop(@Observes @Priority(Pipelines.STARTUP_PRIORITY - 1) ShutdownEvent event) {
        Connection connection = nats.connectionOrNull();
        if (announcements != null && connection != null) {
            connection.closeDispatcher(announcements);
        }
        if (follower != null) {
            follower.shutdownNow();
            try {
                follower.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
