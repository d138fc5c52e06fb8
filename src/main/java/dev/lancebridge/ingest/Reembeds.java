package dev.lancebridge.ingest;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.config.DaemonThreads;
import dev.lancebridge.embed.Embedder;
import dev.lancebridge.embed.EmbedderUnavailableException;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Re-embeds held tables (see {@link HeldTable}) with their declared embedder, one at a time in
 * the background: every row gets its new vector in one new table version, search keeps serving
 * the old version until it is committed, then the table's pipeline starts and the events that
 * waited in the stream flow in.
 */
@ApplicationScoped
public class Reembeds {

    private static final Logger LOG = Logger.getLogger(Reembeds.class);
    /** Longest a re-embed waits for an unavailable embedder before it gives up (the table stays held). */

    private final Pipelines pipelines;
    private final LanceStore store;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Backoff backoff;
    private final Duration outageLimit;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("reembed"));

    public Reembeds(Pipelines pipelines, LanceStore store, BridgeConfig config) {
        this.backoff = Backoff.of(config.ingest());
        this.outageLimit = config.ingest().reembedOutageLimit();
        this.pipelines = pipelines;
        this.store = store;
    }

    /** Starts re-embedding {@code table}; refused when it is not held or already being re-embedded. */
    public synchronized ReembedStatus start(String table) {
        Job running = jobs.get(table);
        if (running != null && running.state == ReembedStatus.State.RUNNING) {
            throw new ReembedRefusedException("table '" + table + "' is being re-embedded already: " + running.done.get()
                    + " of " + running.total + " rows");
        }
        HeldTable hold = pipelines.held().get(table);
        if (hold == null) {
            throw new ReembedRefusedException("table '" + table + "' holds vectors of its declared embedder's model ("
                    + pipelines.declaredEmbedder(table).model() + "): there is nothing to re-embed");
        }
        Embedder embedder = pipelines.declaredEmbedder(table);
        if (!embedder.embedsText()) {
            throw new ReembedRefusedException("table '" + table + "' declares vectors provided by the events: the bridge cannot"
                    + " make them; replay the stream into a new table instead");
        }
        LanceTable lanceTable = store.table(table).orElseThrow();
        Job job = new Job(hold, lanceTable.countRows(null), lanceTable.stats().version());
        jobs.put(table, job);
        worker.submit(() -> run(job, lanceTable, embedder));
        return job.status();
    }

    /** The re-embed of {@code table}: running, done or failed, or pending while the table is held; empty otherwise. */
    public Optional<ReembedStatus> status(String table) {
        Job job = jobs.get(table);
        if (job != null) {
            return Optional.of(job.status());
        }
        HeldTable hold = pipelines.held().get(table);
        return hold == null ? Optional.empty() : Optional.of(new ReembedStatus(table, ReembedStatus.State.PENDING, hold.stored().model(),
                hold.stored().dimension(), hold.declaredModel(), hold.declaredDimension(), -1, 0, null, null, null, null, null));
    }

    private void run(Job job, LanceTable table, Embedder embedder) {
        String name = job.hold.table();
        LOG.infof("table %s: re-embedding %d rows of version %d with %s", name, job.total, job.fromVersion, embedder.model());
        try {
            long version = table.reembed(pipelines.declaredLayout(name), texts -> embed(embedder, texts), job.done::addAndGet);
            job.finish(ReembedStatus.State.DONE, version, null);
            LOG.infof("table %s: re-embedded %d rows with %s as version %d; ingest resumes", name, job.done.get(),
                    embedder.model(), version);
            pipelines.resume(name);
        } catch (RuntimeException e) {
            job.finish(ReembedStatus.State.FAILED, null, e.getMessage());
            LOG.errorf(e, "table %s: re-embed failed; the table keeps its old vectors and stays held", name);
        }
    }

    /** One batch through the embedder, waiting out an outage for up to {@code bridge.ingest.reembed-outage-limit}. */
    private List<float[]> embed(Embedder embedder, List<String> texts) {
        long giveUp = System.nanoTime() + outageLimit.toNanos();
        Duration delay = Duration.ZERO;
        while (true) {
            try {
                return embedder.embed(texts);
            } catch (EmbedderUnavailableException e) {
                if (System.nanoTime() > giveUp) {
                    throw e;
                }
                delay = backoff.after(delay);
                LOG.warnf("re-embed: embedder unavailable, retrying in %s: %s", delay, e.getMessage());
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    private static final class Job {
        final HeldTable hold;
        final long total;
        final long fromVersion;
        final Instant startedAt = Instant.now();
        final AtomicLong done = new AtomicLong();
        volatile ReembedStatus.State state = ReembedStatus.State.RUNNING;
        volatile Long toVersion;
        volatile Instant finishedAt;
        volatile String error;

        Job(HeldTable hold, long total, long fromVersion) {
            this.hold = hold;
            this.total = total;
            this.fromVersion = fromVersion;
        }

        void finish(ReembedStatus.State outcome, Long version, String failure) {
            toVersion = version;
            error = failure;
            finishedAt = Instant.now();
            state = outcome;
        }

        ReembedStatus status() {
            return new ReembedStatus(hold.table(), state, hold.stored().model(), hold.stored().dimension(), hold.declaredModel(),
                    hold.declaredDimension(), total, done.get(), fromVersion, toVersion, startedAt, finishedAt, error);
        }
    }
}
