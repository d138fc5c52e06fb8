package dev.lancebridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.store.IndexPolicy;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.StoreLocation;
import dev.lancebridge.store.TableLayout;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.S3Proxy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Beyond one machine, on this machine: the store on S3Proxy 4.1.0 (an S3 server on the same two
 * cores, keeping its objects on local disk) against local disk, and search replicas against the
 * writer. Commits of 1000 rows (new, then the same ids again), the packaged bridge draining a
 * backlog, search latency on a replica and on the writer, the lag from a commit to a replica
 * serving it, and search throughput with one and two replicas.
 */
final class ObjectStoreFigures {

    private static final int BATCH = 1000;
    private static final int SEARCH_CLIENTS = 4;

    private final Bench bench;

    ObjectStoreFigures(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        try (S3Proxy s3 = S3Proxy.start(S3Proxy.VERSION, bench.work.resolve("s3"))) {
            commits(s3);
            replicas(s3);
        }
    }

    /** The writer's commit, in-process: the same rows to a local directory and to S3. */
    private void commits(S3Proxy s3) {
        int batches = bench.quick ? 10 : 30;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < batches * BATCH; i++) {
            rows.add(new Row("c-" + i, bench.corpus.text(i), bench.corpus.vector(i), Row.PROVIDED, "events.bench", i + 1, 0));
        }
        TableLayout layout = TableLayout.plain(384, Row.PROVIDED);
        List<List<Double>> local = commitTimes(StoreLocation.local(bench.work.resolve("commit-local")), layout, rows, batches);
        List<List<Double>> remote = commitTimes(StoreLocation.of(s3.uri("commits"), s3.options()), layout, rows, batches);
        bench.results.latency("objectstore_commit_new", "commit of " + BATCH + " new rows (append), store on S3Proxy",
                Stats.of(remote.get(0)), "the same rows to local disk", Stats.of(local.get(0)),
                "a data file and a manifest (conditional PUT) over HTTP to an S3 server on the same 2 cores");
        bench.results.latency("objectstore_commit_update", "commit of " + BATCH + " updated rows (merge-insert), store on S3Proxy",
                Stats.of(remote.get(1)), "the same rows to local disk", Stats.of(local.get(1)),
                "the merge also reads the ids it joins back from the store");
    }

    /** Times each commit: first every batch as new rows, then the same ids again (newer seq: updates). */
    private static List<List<Double>> commitTimes(StoreLocation location, TableLayout layout, List<Row> rows, int batches) {
        List<Double> appends = new ArrayList<>();
        List<Double> merges = new ArrayList<>();
        try (LanceStore store = new LanceStore(location, IndexPolicy.DEFAULT)) {
            LanceTable table = store.open("events", layout);
            for (int b = 0; b < batches; b++) {
                List<Row> batch = rows.subList(b * BATCH, (b + 1) * BATCH);
                long start = System.nanoTime();
                table.commit(batch);
                appends.add((System.nanoTime() - start) / 1e6);
            }
            for (int b = 0; b < batches; b++) {
                List<Row> batch = rows.subList(b * BATCH, (b + 1) * BATCH).stream()
                        .map(row -> new Row(row.id(), row.text() + " (again)", row.vector(), row.embeddingModel(), row.subject(),
                                row.streamSeq() + rows.size(), 0)).toList();
                long start = System.nanoTime();
                table.commit(batch);
                merges.add((System.nanoTime() - start) / 1e6);
            }
        }
        return List.of(appends, merges);
    }

    private void replicas(S3Proxy s3) throws Exception {
        int events = bench.quick ? 20_000 : 50_000;
        List<byte[]> payloads = Events.provided(bench.corpus, 0, events, false);
        Map<String, String> onS3 = s3.bridgeEnvironment("tables");
        Map<String, String> search = new HashMap<>(onS3);
        search.put("BRIDGE_ROLE", "search");
        try (Broker localBroker = new Broker(bench.work.resolve("nats-objectstore-local"))) {
            localBroker.publishAll("events.bench", payloads);
            try (BridgeProcess onDisk = BridgeProcess.start(localBroker.url(), bench.work.resolve("store-objectstore-local"),
                    bench.log("objectstore-local"))) {
                Drain local = Drain.watch(localBroker, onDisk, events);
                onS3(payloads, local, onDisk, onS3, search);
            }
        }
    }

    private void onS3(List<byte[]> payloads, Drain local, BridgeProcess onDisk, Map<String, String> onS3, Map<String, String> search)
            throws Exception {
        int events = payloads.size();
        try (Broker broker = new Broker(bench.work.resolve("nats-objectstore"))) {
            broker.publishAll("events.bench", payloads);
            Path unused = bench.work.resolve("unused");
            try (BridgeProcess writer = BridgeProcess.start(broker.url(), unused, bench.log("objectstore-writer"), onS3)) {
                Drain remote = Drain.watch(broker, writer, events);
                bench.results.pair("objectstore_ingest", "ingest, vectors provided, defaults, store on S3Proxy (" + events + " events)",
                        remote.eventsPerSecond(), "events/s", "the same drain to local disk", local.eventsPerSecond(), "events/s",
                        "S3Proxy shares the 2 cores: " + remote.cpu() + "; local: " + local.cpu());
                try (BridgeProcess first = BridgeProcess.start(broker.url(), unused, bench.log("objectstore-replica-1"), search)) {
                    searchLatency(writer, first, onDisk);
                    lag(broker, writer, first, events);
                    try (BridgeProcess second = BridgeProcess.start(broker.url(), unused, bench.log("objectstore-replica-2"), search)) {
                        throughput(first, second);
                    }
                }
            }
        }
    }

    /**
     * The same vector searches on the writer and on a replica (the table on S3), and on a bridge
     * whose table is on local disk, interleaved so the machine's noise falls on all three.
     */
    private void searchLatency(BridgeProcess writer, BridgeProcess replica, BridgeProcess onDisk) throws Exception {
        int count = bench.quick ? 100 : 300;
        int warmUp = 50;
        Random random = new Random(11);
        List<Double> onWriter = new ArrayList<>();
        List<Double> onReplica = new ArrayList<>();
        List<Double> local = new ArrayList<>();
        for (int i = 0; i < count + warmUp; i++) {
            String body = body(random);
            double w = timedSearch(writer, body);
            double r = timedSearch(replica, body);
            double d = timedSearch(onDisk, body);
            if (i >= warmUp) {
                onWriter.add(w);
                onReplica.add(r);
                local.add(d);
            }
        }
        bench.results.latency("objectstore_search_replica", "vector search (k=10, brute force), on a search replica, store on S3Proxy",
                Stats.of(onReplica), "the same searches on the writer", Stats.of(onWriter),
                "both read the same version from the bucket");
        bench.results.latency("objectstore_search_vs_disk", "vector search (k=10, brute force) on the writer, store on S3Proxy",
                Stats.of(onWriter), "the same table on local disk", Stats.of(local),
                "brute force reads every vector from the store per search (Lance caches manifests and indexes, not data pages):"
                        + " over HTTP from S3Proxy here; a vector index (50k rows) reads a few partitions");
    }

    private String body(Random random) throws Exception {
        return Results.JSON.writeValueAsString(Map.of("vector", bench.corpus.vectors.get(random.nextInt(bench.corpus.vectors.size())),
                "k", 10, "columns", List.of("text")));
    }

    private static double timedSearch(BridgeProcess bridge, String body) throws Exception {
        long start = System.nanoTime();
        JsonNode answer = bridge.post("/tables/events/search", body);
        double ms = (System.nanoTime() - start) / 1e6;
        if (answer.path("hits").size() != 10) {
            throw new IllegalStateException("search answered " + answer);
        }
        return ms;
    }

    /**
     * Events published at a steady rate; each commit is timed from the writer's announcement of
     * its version (on NATS) to the moment the replica answers with that version or a newer one.
     */
    private void lag(Broker broker, BridgeProcess writer, BridgeProcess replica, int offset) throws Exception {
        int rate = 50;
        int total = rate * (bench.quick ? 10 : 30);
        Map<Long, Long> announced = new ConcurrentSkipListMap<>();
        io.nats.client.Dispatcher announcements = broker.connection.createDispatcher(message ->
                announced.putIfAbsent(Long.parseLong(new String(message.getData(), java.nio.charset.StandardCharsets.US_ASCII)),
                        System.nanoTime()));
        announcements.subscribe("_bridge.commits.events");
        Map<Long, Long> served = new ConcurrentHashMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicLong lastServed = new AtomicLong(-1);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                try {
                    long version = replica.get("/tables/events").get("version").asLong();
                    long now = System.nanoTime();
                    if (version > lastServed.getAndSet(version)) {
                        served.put(version, now);
                    }
                } catch (Exception e) {
                    // a poll that failed is one sample fewer
                }
                LockSupport.parkNanos(10_000_000);
            }
        }, "replica-lag-watcher");
        watcher.start();
        long period = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int i = 0; i < total; i++) {
            LockSupport.parkNanos(next - System.nanoTime());
            int n = offset + i;
            broker.js().publish("events.bench", Events.withVector("lag-" + n, bench.corpus.text(n % bench.corpus.texts.size()),
                    bench.corpus.vector(n % bench.corpus.vectors.size()), false));
            next += period;
        }
        long writerVersion = writer.get("/tables/events").get("version").asLong();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (lastServed.get() < writerVersion && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000);
        }
        watching.set(false);
        watcher.join();
        broker.connection.closeDispatcher(announcements);
        List<Double> lags = new ArrayList<>();
        announced.forEach((version, at) -> served.entrySet().stream().filter(e -> e.getKey() >= version)
                .mapToLong(Map.Entry::getValue).min().ifPresent(seen -> lags.add(Math.max(0, seen - at) / 1e6)));
        bench.results.latency("objectstore_replica_lag", "commit → served by a search replica (" + rate + " events/s, " + lags.size()
                        + " commits)", Stats.of(lags), null, null,
                "the writer announces each version on NATS; the replica opens it from the bucket (checks every 1 s bound a missed one)."
                        + " Watched every 10 ms");
    }

    /** Closed-loop search load: one replica, then the same clients spread over two. */
    private void throughput(BridgeProcess first, BridgeProcess second) throws Exception {
        double seconds = bench.quick ? 8 : 20;
        double one = load(List.of(first), seconds);
        double two = load(List.of(first, second), seconds);
        bench.results.pair("objectstore_replicas_throughput", "vector searches/s, " + SEARCH_CLIENTS + " clients over 2 search replicas",
                two, "searches/s", "the same clients on 1 replica", one, "searches/s",
                "every process (writer, replicas, nats-server, S3Proxy, the clients) shares the same 2 cores: a second replica"
                        + " adds no CPU here; on separate nodes it adds its own");
    }

    private double load(List<BridgeProcess> replicas, double seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < SEARCH_CLIENTS; c++) {
            BridgeProcess target = replicas.get(c % replicas.size());
            Random random = new Random(c);
            Thread client = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        timedSearch(target, body(random));
                        done.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "search-client-" + c);
            clients.add(client);
            client.start();
        }
        for (Thread client : clients) {
            client.join();
        }
        return done.get() / seconds;
    }
}
