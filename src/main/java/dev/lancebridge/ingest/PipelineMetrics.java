package dev.lancebridge.ingest;

import dev.lancebridge.normalize.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One table's pipeline as Micrometer meters, tagged {@code table}: events received, committed,
 * redelivered and dead-lettered (by reason), batch sizes, embed and commit latency, freshness
 * (stored in JetStream → committed), and the consumer's lag. Fed by {@link TablePipeline}.
 */
final class PipelineMetrics {

    private static final Duration[] FRESHNESS_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1)};

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter received;
    private final Counter redelivered;
    private final Counter committed;
    private final DistributionSummary batchSize;
    private final Timer embedTime;
    private final Counter embeddedRows;
    private final Counter reusedVectors;
    private final Timer commitTime;
    private final Timer freshness;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong ackPending = new AtomicLong();
    private final AtomicLong stalled = new AtomicLong();
    private final AtomicLong storeFailing = new AtomicLong();
    /** Held here: a gauge keeps only a weak reference to what it reads. */
    private IntSupplier inHand;

    PipelineMetrics(MeterRegistry registry, String table) {
        this.registry = registry;
        this.tags = Tags.of("table", table);
        received = Counter.builder("bridge.events.received").description("events fetched from the consumer, redeliveries included")
                .tags(tags).register(registry);
        redelivered = Counter.builder("bridge.events.redelivered").description("events fetched that had been delivered before")
                .tags(tags).register(registry);
        committed = Counter.builder("bridge.events.committed").description("events committed to the table and acked (upserts and deletes)")
                .tags(tags).register(registry);
        batchSize = DistributionSummary.builder("bridge.batch.size").description("events per fetched batch")
                .baseUnit("events").tags(tags).register(registry);
        embedTime = Timer.builder("bridge.embed.duration").description("embedding one batch (the rows without a vector)")
                .tags(tags).register(registry);
        embeddedRows = Counter.builder("bridge.embeddings.computed").description("rows the table's embedder made a vector for")
                .tags(tags).register(registry);
        reusedVectors = Counter.builder("bridge.embeddings.reused")
                .description("rows whose text was unchanged, so they kept their stored vector without calling the embedder")
                .tags(tags).register(registry);
        commitTime = Timer.builder("bridge.commit.duration").description("one batch's commit to the table (merge-insert and deletes)")
                .tags(tags).register(registry);
        freshness = Timer.builder("bridge.freshness").description("from JetStream storing an event to the commit that holds it")
                .serviceLevelObjectives(FRESHNESS_BUCKETS).tags(tags).register(registry);
        Gauge.builder("bridge.consumer.pending", pending, AtomicLong::get)
                .description("events in the stream the consumer has not delivered yet (lag), as of the last fetch")
                .tags(tags).register(registry);
        Gauge.builder("bridge.consumer.ack.pending", ackPending, AtomicLong::get)
                .description("events delivered by the consumer and not acked yet, as of the last watch").tags(tags).register(registry);
        Gauge.builder("bridge.consumer.stalled", stalled, AtomicLong::get)
                .description("1 while the consumer holds events the pipeline does not receive or commit, else 0").tags(tags)
                .register(registry);
        Gauge.builder("bridge.store.refusing.commits", storeFailing, AtomicLong::get)
                .description("1 while the store refuses commits (disk full, read-only) and the pipeline holds its batch, else 0")
                .tags(tags).register(registry);
    }

    void storeFailing(boolean failing) {
        storeFailing.set(failing ? 1 : 0);
    }

    /** What JetStream held for the consumer at the last watch. */
    void held(Stall.Held held) {
        ackPending.set(held.ackPending());
    }

    void stalled(boolean stuck) {
        stalled.set(stuck ? 1 : 0);
    }

    void fetched(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            pending.set(0);
            return;
        }
        received.increment(deliveries.size());
        batchSize.record(deliveries.size());
        long again = 0;
        for (Delivery delivery : deliveries) {
            if (delivery.deliveredCount() > 1) {
                again++;
            }
        }
        redelivered.increment(again);
        pending.set(deliveries.get(deliveries.size() - 1).pending());
    }

    /** Reports {@code events} (fetched, not yet acked or naked) as a gauge, read at each scrape. */
    void inHand(IntSupplier events) {
        inHand = events;
        Gauge.builder("bridge.events.in.hand", events, IntSupplier::getAsInt)
                .description("events fetched and not yet acked or naked").tags(tags).register(registry);
    }

    void embedded(long nanos, int computed, int reused) {
        embedTime.record(nanos, TimeUnit.NANOSECONDS);
        embeddedRows.increment(computed);
        reusedVectors.increment(reused);
    }

    /** A commit of {@code deliveries} that returned after {@code nanos}; {@code stored} of them were rows or deletes. */
    void committed(List<Delivery> deliveries, long stored, long nanos) {
        commitTime.record(nanos, TimeUnit.NANOSECONDS);
        committed.increment(stored);
        // one sample per batch, its first event's: a fetch delivers in stream order, so the oldest
        freshness.record(Math.max(0, System.currentTimeMillis() - deliveries.get(0).storedAtMillis()), TimeUnit.MILLISECONDS);
    }

    void deadLettered(Rejection.Reason reason) {
        deadLettered(registry, tags, reason);
    }

    /** An event of {@code table} dead-lettered outside its pipeline (e.g. after JetStream gave up on it). */
    static void deadLettered(MeterRegistry registry, String table, Rejection.Reason reason) {
        deadLettered(registry, Tags.of("table", table), reason);
    }

    private static void deadLettered(MeterRegistry registry, Tags tags, Rejection.Reason reason) {
        Counter.builder("bridge.events.dead.lettered").description("events published to the dead-letter subject, by reason")
                .tags(tags.and("reason", reason.name())).register(registry).increment();
    }

    /** A batch naked after {@code stage} (embed or commit) failed. */
    void failed(String stage) {
        Counter.builder("bridge.batch.failures").description("batches naked for retry after a transient failure, by stage")
                .tags(tags.and("stage", stage)).register(registry).increment();
    }
}
