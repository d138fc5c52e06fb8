package dev.lancebridge.ingest;

import dev.lancebridge.config.DaemonThreads;
import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.embed.EmbedderUnavailableException;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Normalizer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One table's pipeline: fetch (durable pull consumer) → normalize → embed → commit (the table's
 * single writer) → ack. A batch is fetched and embedded while the previous one commits; a message
 * is acked only after the commit that holds it returned. Malformed events are dead-lettered and
 * acked; a failed embed or commit naks the batch with a growing delay, and a message that used up
 * its deliveries is dead-lettered instead of dropped.
 *
 * <p>The stages are Mutiny streams with backpressure over three threads; what each stage decides
 * is in {@link #fetchNow}, {@link #embedNow} and {@link #commitNow}, which {@link #step} also runs
 * one after the other on the caller's thread, so that a test can drive the pipeline with fake
 * deliveries ({@link Delivery}) and a fake clock ({@link PipelineClock}).
 */
final class TablePipeline {

    private static final Logger LOG = Logger.getLogger(TablePipeline.class);
    /** What a fetch returns once the pipeline stopped and nothing is left to take: the end of the stream. */
    private static final IngestBatch STOP = new IngestBatch(List.of(), List.of(), 0);

    private final String table;
    private final EventSource consumer;
    private final ConsumerWatch watch;
    private final BatchNormalizer normalizer;
    private final EmbedStage embedStage;
    private final Committer store;
    private final Settlement settlement;
    private final Hold hold;
    private final BridgeConfig.Ingest settings;
    private final Backoff backoff;
    private final PipelineMetrics metrics;
    private final PipelineClock clock;
    private final ExecutorService fetchThread;
    private final ExecutorService normalizeThread;
    private final ExecutorService embedThread;
    private final ExecutorService writerThread;
    private final ScheduledExecutorService heartbeat;
    private final BatchesInHand inHand;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running;
    /** Why the flow ended on its own (an unexpected error), or null. */
    private volatile String stoppedBy;
    /** The last fetch's failure while NATS or the consumer is unavailable, or null. */
    private volatile String fetchError;
    /** Why the embedder is unavailable while a batch waits for it, or null. */
    private volatile String embedError;
    /** Why the store refuses commits while a batch waits for it, or null. */
    private volatile String storeError;
    /** Last time the pipeline committed, or had nothing in hand and no failure outstanding (nanoTime). */
    private volatile long progressAt;
    /** Delay before the next fetch after a failed embed or commit; reset by the next commit. */
    private volatile Duration retryDelay = Duration.ZERO;
    /** Last time a fetch returned events (nanoTime). */
    private volatile long receivedAt;
    /** The highest stream sequence committed so far (for the log when JetStream cannot be asked). */
    private volatile long lastCommittedSeq;
    /** Messages the next fetch asks for: {@link #nextFetchSize}. */
    private volatile int fetchSize;
    /** Delay before the next fetch after a failed fetch (NATS unreachable); reset by the next fetch. */
    private volatile Duration fetchDelay = Duration.ZERO;
    private Cancellable flow;

    /** @param connected whether the connection {@code consumer} lives on says it is up (see {@link ConsumerWatch}) */
    TablePipeline(String table, EventSource consumer, java.util.function.BooleanSupplier connected,
                  Normalizer normalizer, EmbedStage embedStage, Committer store, DeadLetters deadLetters,
                  BridgeConfig.Ingest settings, PipelineMetrics metrics) {
        this(table, consumer, connected, normalizer, embedStage, store, deadLetters, settings, metrics, PipelineClock.SYSTEM);
    }

    TablePipeline(String table, EventSource consumer, java.util.function.BooleanSupplier connected,
                  Normalizer normalizer, EmbedStage embedStage, Committer store, DeadLetters deadLetters,
                  BridgeConfig.Ingest settings, PipelineMetrics metrics, PipelineClock clock) {
        this.table = table;
        this.consumer = consumer;
        this.normalizer = new BatchNormalizer(table, normalizer, Runtime.getRuntime().availableProcessors());
        this.embedStage = embedStage;
        this.store = store;
        this.settlement = new Settlement(table, deadLetters, settings, metrics);
        this.settings = settings;
        this.backoff = Backoff.of(settings);
        this.fetchSize = settings.batchSize();
        this.hold = new Hold(backoff, clock, () -> running, stage -> {
            metrics.failed(stage);
            progressAt = clock.nanoTime(); // waiting for what is unavailable is not a stall
        });
        this.metrics = metrics;
        this.clock = clock;
        this.progressAt = clock.nanoTime();
        this.receivedAt = progressAt;
        this.watch = new ConsumerWatch(table, consumer, connected, store, settings.ackWait(), metrics, () -> lastCommittedSeq);
        this.fetchThread = Executors.newSingleThreadExecutor(DaemonThreads.named("fetch-" + table));
        this.normalizeThread = Executors.newSingleThreadExecutor(DaemonThreads.named("parse-" + table));
        this.embedThread = Executors.newSingleThreadExecutor(DaemonThreads.named("embed-" + table));
        this.writerThread = Executors.newSingleThreadExecutor(DaemonThreads.named("writer-" + table));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("heartbeat-" + table));
        this.inHand = new BatchesInHand(table, settings.ackWait(), clock);
        metrics.inHand(inHand::events);
    }

    void start() {
        begin();
        long every = inHand.heartbeatEvery().toMillis();
        heartbeat.scheduleAtFixedRate(this::markInProgress, every, every, TimeUnit.MILLISECONDS);
        long watchEvery = watch.period().toMillis();
        heartbeat.scheduleWithFixedDelay(this::watchConsumer, watchEvery, watchEvery, TimeUnit.MILLISECONDS);
        flow = Multi.createBy().repeating().uni(this::fetch).until(batch -> batch == STOP)
                .filter(batch -> !batch.isEmpty())
                // a buffer of one keeps a pull outstanding while the batch before is parsed
                .emitOn(normalizeThread, 1)
                .onItem().transform(this::normalizeNow)
                .onItem().transformToUniAndConcatenate(batch -> Uni.createFrom().item(() -> embedNow(batch)).runSubscriptionOn(embedThread))
                // a buffer of one lets the next batch be fetched and embedded while this one commits
                .emitOn(writerThread, 1)
                .onItem().transformToUniAndConcatenate(batch -> Uni.createFrom().item(() -> commitNow(batch)).runSubscriptionOn(writerThread))
                .subscribe().with(
                        ignored -> { },
                        failure -> {
                            LOG.errorf(failure, "table %s: pipeline stopped on an unexpected error", table);
                            stoppedBy = failure.toString();
                            running = false;
                            finished.countDown();
                        },
                        finished::countDown);
    }

    /** Lets {@link #fetchNow} fetch: by {@link #start}, or by a test that drives the pipeline with {@link #step}. */
    void begin() {
        running = true;
    }

    /**
     * One iteration on the caller's thread, as the stream runs it: fetch, embed, commit, settle
     * with JetStream. False once the pipeline stopped and nothing was left to take.
     */
    boolean step() {
        IngestBatch batch = fetchNow();
        if (batch == STOP) {
            return false;
        }
        commitNow(embedNow(normalizeNow(batch)));
        return true;
    }

    /** Stops fetching: a {@link #step} still takes the stragglers and ends the stream; no batch in hand is dropped. */
    void halt() {
        running = false;
    }

    /** Stops fetching, lets the batches in flight commit and ack, within {@code grace}. */
    boolean stop(Duration grace) {
        halt();
        boolean drained;
        try {
            drained = finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            LOG.warnf("table %s: batches still in flight after %s; they will be redelivered", table, grace);
            if (flow != null) {
                flow.cancel();
            }
        }
        heartbeat.shutdownNow();
        fetchThread.shutdownNow();
        normalizeThread.shutdownNow();
        normalizer.close();
        embedThread.shutdownNow();
        writerThread.shutdownNow();
        return drained;
    }

    boolean running() {
        return running;
    }

    /** What health checks read: whether it runs, what it holds, and how long since it last made progress. */
    PipelineState state() {
        long now = clock.nanoTime();
        String waitingFor = storeError != null ? "the store: " + storeError
                : embedError != null ? "the embedder: " + embedError : null;
        return new PipelineState(running, stoppedBy, fetchError, waitingFor, inHand.events(), !retryDelay.isZero(),
                Duration.ofNanos(now - progressAt), Duration.ofNanos(now - receivedAt), watch.stall(), watch.stalledFor());
    }

    /** Events the consumer holds for this table (not yet delivered, or delivered and not acked); -1 when NATS cannot say. */
    long pendingAtServer() {
        try {
            var info = consumer.info();
            return info.getNumPending() + info.getNumAckPending();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Nothing in hand and no failure waiting for its retry: idle or waiting for NATS, which is
     * not a stall. A failed batch keeps {@code retryDelay} above zero until a commit succeeds.
     */
    private void progressIfNothingInHand() {
        if (inHand.isEmpty() && retryDelay.isZero()) {
            progressAt = clock.nanoTime();
        }
    }

    /** How long the stream waits before its next fetch: the delay after a failed fetch, embed or commit. */
    Duration pauseBeforeFetch() {
        return retryDelay.compareTo(fetchDelay) >= 0 ? retryDelay : fetchDelay;
    }

    private Uni<IngestBatch> fetch() {
        Duration pause = pauseBeforeFetch();
        Uni<Void> wait = pause.isZero() ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(pause);
        return wait.chain(() -> Uni.createFrom().item(this::fetchNow).runSubscriptionOn(fetchThread));
    }

    private IngestBatch fetchNow() {
        List<Delivery> deliveries;
        long start = clock.nanoTime();
        if (!running) {
            // stopping: a pull may still have been answering when the last fetch gave up; take those too
            deliveries = consumer.stragglers(settings.batchWait());
            if (deliveries.isEmpty()) {
                return STOP;
            }
            return taken(deliveries, start);
        }
        try {
            deliveries = consumer.fetch(fetchSize, settings.batchWait());
        } catch (RuntimeException e) {
            fetchDelay = backoff.after(fetchDelay);
            fetchError = e.toString();
            LOG.warnf("table %s: fetch failed (%s); retrying in %s", table, e.getMessage(), fetchDelay);
            progressIfNothingInHand();
            return IngestBatch.EMPTY;
        }
        fetchDelay = Duration.ZERO;
        fetchError = null;
        fetchSize = nextFetchSize(fetchSize, deliveries.size(), settings.batchSize(), settings.maxBatchSize());
        return taken(deliveries, start);
    }

    /**
     * Under a backlog (the last fetch came back full) the next asks for twice as many, up to
     * {@code max}; otherwise for {@code base}: large commits while catching up, small batches and
     * their latency when quiet.
     */
    static int nextFetchSize(int asked, int got, int base, int max) {
        return got >= asked ? Math.min(Math.max(base, max), asked * 2) : base;
    }

    /** Messages the next fetch asks for (for tests). */
    int fetchSize() {
        return fetchSize;
    }

    /** The fetched deliveries as a batch now in hand, not normalized yet. */
    private IngestBatch taken(List<Delivery> deliveries, long start) {
        metrics.fetched(deliveries);
        IngestBatch batch = new IngestBatch(deliveries, null, clock.nanoTime());
        if (batch.isEmpty()) {
            progressIfNothingInHand();
        } else {
            receivedAt = clock.nanoTime();
            inHand.add(batch);
            LOG.debugf("table %s: fetched %d events in %.1f ms", table, deliveries.size(), millisSince(start));
        }
        return batch;
    }

    /** The batch with what each event became: a row, a deletion or a rejection (on every core for a large batch). */
    private IngestBatch normalizeNow(IngestBatch batch) {
        if (batch.isEmpty()) {
            return batch;
        }
        long start = clock.nanoTime();
        IngestBatch normalized = batch.withChanges(normalizer.normalize(batch.deliveries()));
        LOG.debugf("table %s: normalized %d events in %.1f ms", table, batch.deliveries().size(), millisSince(start));
        return normalized;
    }

    /** Compares what JetStream holds with what the pipeline saw, and tells the table its ack floor (run every half ack-wait). */
    void watchConsumer() {
        watch.check(state());
    }

    /** What the heartbeat thread runs: an in-progress for each delivery held long ({@link BatchesInHand}). */
    void markInProgress() {
        inHand.markInProgress();
    }

    /** The batch with its vectors; empty when the embed failed (the batch was naked) or the pipeline stopped meanwhile. */
    private IngestBatch embedNow(IngestBatch batch) {
        if (batch.isEmpty()) {
            return batch;
        }
        try {
            long start = clock.nanoTime();
            EmbedStage.Embedded embedded = embedWhileUnavailable(batch);
            if (embedded == null) {
                return abandon(batch);
            }
            metrics.embedded(clock.nanoTime() - start, embedded.computed(), embedded.reused());
            LOG.debugf("table %s: embedded %d rows, kept %d stored vectors, in %.1f ms", table, embedded.computed(),
                    embedded.reused(), millisSince(start));
            return batch.withChanges(embedded.changes());
        } catch (RuntimeException | Error failure) { // an embedder's Error (its native runtime's) fails the batch, not the stream
            retry(batch, "embed", failure);
            inHand.release(batch);
            return IngestBatch.EMPTY;
        }
    }

    /**
     * Embeds the batch; while the embedder is unavailable (a remote endpoint down or slow), holds
     * it ({@link Hold}): waiting for the embedder is not a stall. Null when the
     * pipeline stops meanwhile.
     */
    private EmbedStage.Embedded embedWhileUnavailable(IngestBatch batch) {
        EmbedStage.Embedded embedded = hold.until("embed", () -> {
            try {
                return Hold.Try.done(Isolation.embed(embedStage, batch.changes()));
            } catch (EmbedderUnavailableException unavailable) {
                return Hold.Try.unavailable(unavailable.getMessage());
            }
        }, why -> {
            if (!why.equals(embedError)) {
                LOG.warnf("table %s: embedder unavailable, holding %d events and retrying every %s at most: %s", table,
                        batch.deliveries().size(), settings.maxRetryDelay(), why);
            }
            embedError = why;
        });
        if (embedded != null) {
            embedError = null;
        }
        return embedded;
    }

    /** Gives a batch back to JetStream at once (shutdown while waiting for the embedder). */
    private IngestBatch abandon(IngestBatch batch) {
        settlement.giveBack(batch);
        inHand.release(batch);
        return IngestBatch.EMPTY;
    }

    /** Commits the batch and settles each delivery with JetStream: ack, dead letter, or nak. */
    private Void commitNow(IngestBatch batch) {
        if (!batch.isEmpty()) {
            try {
                commitAndSettle(batch);
            } finally {
                inHand.release(batch);
            }
        }
        return null;
    }

    private void commitAndSettle(IngestBatch batch) {
        List<Normalized> changes = batch.changes();
        long start = clock.nanoTime();
        Isolation.Committed committed = holdWhileStoreFails(batch);
        if (committed == null) {
            settlement.giveBack(batch); // stopping: the next run takes them
            return;
        }
        if (committed instanceof Isolation.Failed failed) {
            retry(batch, "commit", failed.failure());
            return;
        }
        long commitNanos = clock.nanoTime() - start;
        long stored = settlement.committed(batch, committed instanceof Isolation.AllBut allBut ? allBut.failed() : Map.of());
        metrics.committed(batch.deliveries(), stored, commitNanos);
        lastCommittedSeq = Math.max(lastCommittedSeq, changes.get(changes.size() - 1).streamSeq());
        retryDelay = Duration.ZERO;
        progressAt = clock.nanoTime();
        LOG.debugf("table %s: committed and acked %d events (seq %d..%d) in %.1f ms: %s", table, changes.size(),
                changes.get(0).streamSeq(), changes.get(changes.size() - 1).streamSeq(), millisSince(start), committed);
    }

    /**
     * Commits the batch; while the store refuses commits (disk full, read-only directory), holds
     * it ({@link Hold}) and resumes by itself once the store takes writes. Null
     * when the pipeline stops meanwhile.
     */
    private Isolation.Committed holdWhileStoreFails(IngestBatch batch) {
        Isolation.Committed committed = hold.until("commit", () -> {
            Isolation.Committed tried = Isolation.commit(store, batch.changes());
            return tried instanceof Isolation.StoreFailing failing ? Hold.Try.unavailable(failing.failure().getMessage()) : Hold.Try.done(tried);
        }, why -> {
            metrics.storeFailing(true);
            if (!why.equals(storeError)) {
                LOG.errorf("table %s: the store refuses commits; holding %d events (seq %d..%d) and retrying every %s at most, "
                                + "nothing is dead-lettered: %s", table, batch.deliveries().size(), batch.changes().get(0).streamSeq(),
                        batch.changes().get(batch.changes().size() - 1).streamSeq(), settings.maxRetryDelay(), why);
            }
            storeError = why;
        });
        if (committed != null && storeError != null) {
            LOG.infof("table %s: the store takes commits again", table);
            storeError = null;
            metrics.storeFailing(false);
        }
        return committed;
    }

    /** A transient failure: the next fetch waits longer, and each delivery is naked with that delay or dead-lettered. */
    private void retry(IngestBatch batch, String stage, Throwable failure) {
        retryDelay = backoff.after(retryDelay);
        metrics.failed(stage);
        settlement.failed(batch, stage, failure, retryDelay);
    }

    private double millisSince(long startNanos) {
        return (clock.nanoTime() - startNanos) / 1e6;
    }
}
