package dev.lancebridge.ingest;

import dev.lancebridge.config.DaemonThreads;
import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.embed.EmbedderUnavailableException;
import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Normalizer;
import dev.lancebridge.normalize.RawEvent;
import dev.lancebridge.normalize.Rejection;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.store.CommitStats;
import dev.lancebridge.store.LanceTable;
import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 */
final class TablePipeline {

    private static final Logger LOG = Logger.getLogger(TablePipeline.class);
    private static final IngestBatch STOP = new IngestBatch(List.of(), List.of());

    private final String table;
    private final TableConsumer consumer;
    private final ConsumerWatch watch;
    private final Normalizer normalizer;
    private final EmbedStage embedStage;
    private final Committer store;
    private final DeadLetters deadLetters;
    private final BridgeConfig.Ingest settings;
    private final Backoff backoff;
    private final PipelineMetrics metrics;
    private final ExecutorService fetchThread;
    private final ExecutorService embedThread;
    private final ExecutorService writerThread;
    private final ScheduledExecutorService heartbeat;
    /** Batches fetched and not yet acked or naked: their messages get in-progress heartbeats. */
    private final Set<IngestBatch> inFlight = ConcurrentHashMap.newKeySet();
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
    private volatile long progressAt = System.nanoTime();
    /** Delay before the next fetch after a failed embed or commit; reset by the next commit. */
    private volatile Duration retryDelay = Duration.ZERO;
    /** Last time a fetch returned events (nanoTime). */
    private volatile long receivedAt = System.nanoTime();
    /** The highest stream sequence committed so far (for the log when JetStream cannot be asked). */
    private volatile long lastCommittedSeq;
    /** Delay before the next fetch after a failed fetch (NATS unreachable); reset by the next fetch. */
    private volatile Duration fetchDelay = Duration.ZERO;
    private Cancellable flow;

    /** The write step: one commit of a batch to the table's single writer ({@link LanceTable#commit} in production). */
    @FunctionalInterface
    interface Committer {
        CommitStats commit(List<Normalized> changes);

        /** Whether the store takes writes at all (a full disk or a read-only directory does not). */
        default boolean writable() {
            return true;
        }

        /** The consumer has acked every event at or below {@code seq} (what the table may forget about them). */
        default void ackedThrough(long seq) {
        }

        static Committer of(Committer commit, java.util.function.BooleanSupplier writable, java.util.function.LongConsumer ackedThrough) {
            return new Committer() {
                @Override
                public CommitStats commit(List<Normalized> changes) {
                    return commit.commit(changes);
                }

                @Override
                public boolean writable() {
                    return writable.getAsBoolean();
                }

                @Override
                public void ackedThrough(long seq) {
                    ackedThrough.accept(seq);
                }
            };
        }
    }

    /** @param connected whether the connection {@code consumer} lives on says it is up (see {@link ConsumerWatch}) */
    TablePipeline(String table, TableConsumer consumer, java.util.function.BooleanSupplier connected,
                  Normalizer normalizer, EmbedStage embedStage, Committer store, DeadLetters deadLetters,
                  BridgeConfig.Ingest settings, PipelineMetrics metrics) {
        this.table = table;
        this.consumer = consumer;
        this.normalizer = normalizer;
        this.embedStage = embedStage;
        this.store = store;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.backoff = Backoff.of(settings);
        this.metrics = metrics;
        this.watch = new ConsumerWatch(table, consumer, connected, store, settings.ackWait(), metrics, () -> lastCommittedSeq);
        this.fetchThread = Executors.newSingleThreadExecutor(DaemonThreads.named("fetch-" + table));
        this.embedThread = Executors.newSingleThreadExecutor(DaemonThreads.named("embed-" + table));
        this.writerThread = Executors.newSingleThreadExecutor(DaemonThreads.named("writer-" + table));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("heartbeat-" + table));
        metrics.inHand(this::eventsInHand);
    }

    void start() {
        running = true;
        // Keeps AckWait short (fast redelivery after a crash) without redelivering slow batches.
        long every = Math.max(100, settings.ackWait().toMillis() / 3);
        heartbeat.scheduleAtFixedRate(this::markInProgress, every, every, TimeUnit.MILLISECONDS);
        long watchEvery = watch.period().toMillis();
        heartbeat.scheduleWithFixedDelay(() -> watch.check(state()), watchEvery, watchEvery, TimeUnit.MILLISECONDS);
        flow = Multi.createBy().repeating().uni(this::fetch).until(batch -> batch == STOP)
                .filter(batch -> !batch.isEmpty())
                .onItem().transformToUniAndConcatenate(this::embed)
                // a buffer of one lets the next batch be fetched and embedded while this one commits
                .emitOn(writerThread, 1)
                .onItem().transformToUniAndConcatenate(this::commit)
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

    /** Stops fetching, lets the batches in flight commit and ack, within {@code grace}. */
    boolean stop(Duration grace) {
        running = false;
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
        embedThread.shutdownNow();
        writerThread.shutdownNow();
        return drained;
    }

    boolean running() {
        return running;
    }

    /** What health checks read: whether it runs, what it holds, and how long since it last made progress. */
    PipelineState state() {
        long now = System.nanoTime();
        String waitingFor = storeError != null ? "the store: " + storeError
                : embedError != null ? "the embedder: " + embedError : null;
        return new PipelineState(running, stoppedBy, fetchError, waitingFor, eventsInHand(), !retryDelay.isZero(),
                Duration.ofNanos(now - progressAt), Duration.ofNanos(now - receivedAt), watch.stall(), watch.stalledFor());
    }

    private int eventsInHand() {
        int inHand = 0;
        for (IngestBatch batch : inFlight) {
            inHand += batch.messages().size();
        }
        return inHand;
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
        if (inFlight.isEmpty() && retryDelay.isZero()) {
            progressAt = System.nanoTime();
        }
    }

    private Uni<IngestBatch> fetch() {
        Duration pause = retryDelay.compareTo(fetchDelay) >= 0 ? retryDelay : fetchDelay;
        Uni<Void> wait = pause.isZero() ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(pause);
        return wait.chain(() -> Uni.createFrom().item(this::fetchNow).runSubscriptionOn(fetchThread));
    }

    private IngestBatch fetchNow() {
        List<Message> messages;
        long start = System.nanoTime();
        if (!running) {
            // stopping: a pull may still have been answering when the last fetch gave up; take those too
            messages = consumer.stragglers(settings.batchWait());
            if (messages.isEmpty()) {
                return STOP;
            }
            return normalized(messages, start);
        }
        try {
            messages = consumer.fetch(settings.batchSize(), settings.batchWait());
        } catch (RuntimeException e) {
            fetchDelay = backoff.after(fetchDelay);
            fetchError = e.toString();
            LOG.warnf("table %s: fetch failed (%s); retrying in %s", table, e.getMessage(), fetchDelay);
            progressIfNothingInHand();
            return new IngestBatch(List.of(), List.of());
        }
        fetchDelay = Duration.ZERO;
        fetchError = null;
        return normalized(messages, start);
    }

    /** The fetched messages, normalized, as a batch now in hand. */
    private IngestBatch normalized(List<Message> messages, long start) {
        metrics.fetched(messages);
        if (!messages.isEmpty()) {
            receivedAt = System.nanoTime();
        }
        List<Normalized> changes = new ArrayList<>(messages.size());
        for (Message message : messages) {
            changes.add(unreadable(message) ? new Rejection(Rejection.Reason.UNREADABLE_MESSAGE, UNREADABLE_DETAIL,
                    message.metaData().streamSequence()) : normalizer.normalize(toRawEvent(message)));
        }
        IngestBatch batch = new IngestBatch(messages, changes);
        if (batch.isEmpty()) {
            progressIfNothingInHand();
        } else {
            inFlight.add(batch);
            LOG.debugf("table %s: fetched and normalized %d events in %.1f ms", table, messages.size(), millisSince(start));
        }
        return batch;
    }

    private void markInProgress() {
        for (IngestBatch batch : inFlight) {
            for (Message message : batch.messages()) {
                try {
                    message.inProgress();
                } catch (RuntimeException e) {
                    LOG.debugf("table %s: in-progress for seq %d failed: %s", table, message.metaData().streamSequence(), e.getMessage());
                }
            }
        }
    }

    private static final String UNREADABLE_DETAIL = "its headers are not valid NATS headers (a non-ASCII value or a "
            + "malformed line); the original header block is in " + HeaderGuard.UNREADABLE + " (base64)";

    private static boolean unreadable(Message message) {
        return message.hasHeaders() && message.getHeaders().containsKey(HeaderGuard.UNREADABLE);
    }

    private static RawEvent toRawEvent(Message message) {
        NatsJetStreamMetaData meta = message.metaData();
        String msgId = null;
        String op = null;
        if (message.hasHeaders()) {
            msgId = message.getHeaders().getFirst("Nats-Msg-Id");
            op = message.getHeaders().getFirst(EventHeaders.OP);
        }
        return new RawEvent(meta.getStream(), meta.streamSequence(), message.getSubject(),
                meta.timestamp().toInstant().toEpochMilli(), msgId, op, message.getData());
    }

    private Uni<IngestBatch> embed(IngestBatch batch) {
        return Uni.createFrom().item(() -> {
                    long start = System.nanoTime();
                    EmbedStage.Embedded embedded = embedWhileUnavailable(batch);
                    if (embedded == null) {
                        return abandon(batch);
                    }
                    metrics.embedded(System.nanoTime() - start, embedded.computed(), embedded.reused());
                    LOG.debugf("table %s: embedded %d rows, kept %d stored vectors, in %.1f ms", table, embedded.computed(),
                            embedded.reused(), millisSince(start));
                    return batch.withChanges(embedded.changes());
                })
                .runSubscriptionOn(embedThread)
                .onFailure().recoverWithItem(failure -> {
                    retry(batch, "embed", failure);
                    inFlight.remove(batch);
                    return new IngestBatch(List.of(), List.of());
                });
    }

    /**
     * Embeds the batch; while the embedder is unavailable (a remote endpoint down or slow), holds
     * it ({@link #holdWhileUnavailable}): waiting for the embedder is not a stall. Null when the
     * pipeline stops meanwhile.
     */
    private EmbedStage.Embedded embedWhileUnavailable(IngestBatch batch) {
        EmbedStage.Embedded embedded = holdWhileUnavailable("embed", () -> {
            try {
                return Try.done(Isolation.embed(embedStage, batch.changes()));
            } catch (EmbedderUnavailableException unavailable) {
                return Try.unavailable(unavailable.getMessage());
            }
        }, why -> {
            if (!why.equals(embedError)) {
                LOG.warnf("table %s: embedder unavailable, holding %d events and retrying every %s at most: %s", table,
                        batch.messages().size(), settings.maxRetryDelay(), why);
            }
            embedError = why;
        });
        if (embedded != null) {
            embedError = null;
        }
        return embedded;
    }

    /** One try of a held batch: its result, or why what it needs is unavailable. */
    private record Try<T>(T result, String unavailable) {
        static <T> Try<T> done(T result) {
            return new Try<>(result, null);
        }

        static <T> Try<T> unavailable(String why) {
            return new Try<>(null, why);
        }
    }

    /**
     * Tries {@code attempt} until what it needs (the embedder, the store) is available again,
     * holding the batch in hand meanwhile under in-progress heartbeats and waiting with growing
     * delays: no nak, so no delivery is used up and nothing is dead-lettered for an outage.
     * {@code seen} hears each try's reason. Null when the pipeline stops first.
     */
    private <T> T holdWhileUnavailable(String stage, java.util.function.Supplier<Try<T>> attempt,
                                       java.util.function.Consumer<String> seen) {
        Duration delay = Duration.ZERO;
        while (true) {
            Try<T> tried = attempt.get();
            if (tried.unavailable() == null) {
                return tried.result();
            }
            delay = backoff.after(delay);
            metrics.failed(stage);
            seen.accept(tried.unavailable());
            progressAt = System.nanoTime();
            if (!sleepWhileRunning(delay)) {
                return null;
            }
        }
    }

    /** Sleeps {@code delay}, or less if the pipeline stops; false when it stopped. */
    private boolean sleepWhileRunning(Duration delay) {
        long until = System.nanoTime() + delay.toNanos();
        try {
            while (running && System.nanoTime() < until) {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return running;
    }

    /** Gives a batch back to JetStream at once (shutdown while waiting for the embedder). */
    private IngestBatch abandon(IngestBatch batch) {
        batch.messages().forEach(Message::nak);
        inFlight.remove(batch);
        return new IngestBatch(List.of(), List.of());
    }

    private Uni<Void> commit(IngestBatch batch) {
        return Uni.createFrom().item(() -> {
            if (!batch.isEmpty()) {
                try {
                    commitNow(batch);
                } finally {
                    inFlight.removeIf(held -> held.messages() == batch.messages());
                }
            }
            return (Void) null;
        }).runSubscriptionOn(writerThread);
    }

    private void commitNow(IngestBatch batch) {
        List<Normalized> changes = batch.changes();
        long start = System.nanoTime();
        Isolation.Committed committed = holdWhileStoreFails(batch);
        if (committed == null) {
            batch.messages().forEach(Message::nak); // stopping: the next run takes them
            return;
        }
        if (committed instanceof Isolation.Failed failed) {
            retry(batch, "commit", failed.failure());
            return;
        }
        long commitNanos = System.nanoTime() - start;
        Map<Integer, RuntimeException> failedAlone = committed instanceof Isolation.AllBut allBut ? allBut.failed() : Map.of();
        long stored = 0;
        for (int i = 0; i < changes.size(); i++) {
            Message message = batch.messages().get(i);
            RuntimeException failure = failedAlone.get(i);
            if (failure != null) {
                deadLetter(message, changes.get(i), Rejection.Reason.COMMIT_FAILED,
                        "committing this event alone failed while the rest of its batch committed: " + failure.getMessage());
            } else if (changes.get(i) instanceof Rejection rejection) {
                deadLetter(message, changes.get(i), rejection.reason(), rejection.detail());
            } else {
                message.ack();
                stored++;
            }
        }
        metrics.committed(batch.messages(), stored, commitNanos);
        lastCommittedSeq = Math.max(lastCommittedSeq, changes.get(changes.size() - 1).streamSeq());
        retryDelay = Duration.ZERO;
        progressAt = System.nanoTime();
        LOG.debugf("table %s: committed and acked %d events (seq %d..%d) in %.1f ms: %s", table, changes.size(),
                changes.get(0).streamSeq(), changes.get(changes.size() - 1).streamSeq(), millisSince(start), committed);
    }

    /**
     * Commits the batch; while the store refuses commits (disk full, read-only directory), holds
     * it ({@link #holdWhileUnavailable}) and resumes by itself once the store takes writes. Null
     * when the pipeline stops meanwhile.
     */
    private Isolation.Committed holdWhileStoreFails(IngestBatch batch) {
        Isolation.Committed committed = holdWhileUnavailable("commit", () -> {
            Isolation.Committed tried = Isolation.commit(store, batch.changes());
            return tried instanceof Isolation.StoreFailing failing ? Try.unavailable(failing.failure().getMessage()) : Try.done(tried);
        }, why -> {
            metrics.storeFailing(true);
            if (!why.equals(storeError)) {
                LOG.errorf("table %s: the store refuses commits; holding %d events (seq %d..%d) and retrying every %s at most, "
                                + "nothing is dead-lettered: %s", table, batch.messages().size(), batch.changes().get(0).streamSeq(),
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

    /** Dead-letters and acks {@code message}; if the dead letter cannot be stored, naks it instead. */
    private void deadLetter(Message message, Normalized change, Rejection.Reason reason, String detail) {
        // the same names as fields of JSON log lines, for log collectors to filter on
        org.jboss.logging.MDC.put("table", table);
        org.jboss.logging.MDC.put("subject", message.getSubject());
        org.jboss.logging.MDC.put("stream_seq", Long.toString(message.metaData().streamSequence()));
        org.jboss.logging.MDC.put("event_id", eventId(change, message));
        try {
            deadLetters.publish(message, reason, detail);
            message.ack();
            metrics.deadLettered(reason);
            LOG.warnf("table %s: dead-lettered subject=%s seq=%d id=%s to %s: %s %s", table, message.getSubject(),
                    message.metaData().streamSequence(), eventId(change, message), deadLetters.subject(), reason, detail);
        } catch (Exception e) {
            LOG.errorf("table %s: could not dead-letter subject=%s seq=%d id=%s (%s); will retry", table,
                    message.getSubject(), message.metaData().streamSequence(), eventId(change, message), e.getMessage());
            message.nakWithDelay(settings.retryDelay());
        } finally {
            org.jboss.logging.MDC.clear();
        }
    }

    /** A transient failure: nak with backoff, or dead-letter messages that used up their deliveries. */
    private void retry(IngestBatch batch, String stage, Throwable failure) {
        Duration delay = backoff.after(retryDelay);
        retryDelay = delay;
        metrics.failed(stage);
        List<Message> messages = batch.messages();
        List<Normalized> changes = batch.changes();
        int last = messages.size() - 1;
        LOG.errorf("table %s: %s failed for %d events (subject=%s.. seq=%d..%d id=%s..%s); nak, retry in %s: %s", table,
                stage, messages.size(), messages.get(0).getSubject(), messages.get(0).metaData().streamSequence(),
                messages.get(last).metaData().streamSequence(), eventId(changes.get(0), messages.get(0)),
                eventId(changes.get(last), messages.get(last)), delay, failure.toString());
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            if (message.metaData().deliveredCount() >= settings.maxDeliver()) {
                deadLetter(message, changes.get(i), Rejection.Reason.RETRIES_EXHAUSTED, stage + " failed "
                        + settings.maxDeliver() + " times; last error: " + failure.getMessage());
            } else {
                message.nakWithDelay(delay);
            }
        }
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** The row id an event has or would have had; for an event rejected before it had one, its Nats-Msg-Id or "-". */
    private static String eventId(Normalized change, Message message) {
        if (change instanceof Row row) {
            return row.id();
        }
        if (change instanceof Deletion deletion) {
            return deletion.id();
        }
        return message.hasHeaders() && message.getHeaders().getFirst("Nats-Msg-Id") != null
                ? message.getHeaders().getFirst("Nats-Msg-Id") : "-";
    }
}
