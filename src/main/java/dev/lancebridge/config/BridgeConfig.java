package dev.lancebridge.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the bridge, under {@code bridge.*}. Environment variables map as usual
 * ({@code BRIDGE_NATS_URL}, {@code BRIDGE_STORE_PATH}, ...).
 */
@ConfigMapping(prefix = "bridge")
public interface BridgeConfig {

    /** {@code writer} (the default) consumes and commits; {@code search} serves the API from the store (see README, Beyond one machine). */
    @WithDefault("writer")
    Role role();

    ReplicaSettings replica();

    WriterSettings writer();

    Nats nats();

    StoreSettings store();

    Ingest ingest();

    Embedding embedding();

    /**
     * Embedders by name, beside the built-in in-process {@code minilm}, {@code minilm-q} and {@code bge-small}; a
     * table chooses one with {@code bridge.tables.<table>.embedder}.
     */
    Map<String, EmbedderSettings> embedders();

    Search search();

    Api api();

    Health health();

    Dev dev();

    /** Tables keyed by name; each is fed by its own durable consumer and written by one writer. */
    Map<String, Table> tables();

    interface Nats {
        /**
         * NATS server URL. When unset, dev mode starts a local nats-server for you; every other
         * mode connects to {@code nats://127.0.0.1:4222}.
         */
        Optional<String> url();

        /** How long start-up waits for the first connection before giving up. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** A NATS credentials file (JWT and NKey seed, {@code .creds}), e.g. mounted from a Secret. */
        Optional<Path> credentials();

        /** User name for user/password authentication (with {@link #password()}). */
        Optional<String> user();

        /** Password for user/password authentication. */
        Optional<String> password();

        /** Token for token authentication. */
        Optional<String> token();

        /** An NKey seed file (the {@code SU...} seed of a user NKey) for NKey authentication, e.g. mounted from a Secret. */
        Optional<Path> nkey();

        /** TLS to the server beyond the JVM's default trust: a private CA, a client certificate. */
        NatsTls tls();
    }

    /**
     * PEM files, e.g. mounted from a Secret. Any of them turns TLS on (as does a {@code tls://}
     * URL); a server that does not offer TLS is then refused.
     */
    interface NatsTls {
        /** The CA certificate(s) the server's certificate must chain to (instead of the JVM's trust store). */
        Optional<Path> ca();

        /** The client certificate (chain) for servers that verify clients ({@code verify: true}); with {@link #key()}. */
        Optional<Path> cert();

        /** The client certificate's private key (PKCS#8 or PKCS#1). */
        Optional<Path> key();
    }

    interface Ingest {
        /** Messages fetched, embedded and committed together while the stream is quiet. */
        @WithDefault("500")
        int batchSize();

        /**
         * Most messages fetched, embedded and committed together under a backlog: each fetch that
         * comes back full asks for twice as many, up to this (never below {@link #batchSize()});
         * the first that does not resets to {@link #batchSize()}. Larger commits cost less per
         * event; a quiet stream keeps small batches and their latency.
         */
        @WithDefault("1000")
        int maxBatchSize();

        /**
         * Most bytes fetched together (JetStream's {@code max_bytes}), so that a batch of large
         * events never lands in the heap whole; never less than the server's largest message.
         */
        @WithDefault("16M")
        MemorySize maxBatchBytes();

        /** Longest a fetch waits to fill a batch; bounds the latency a quiet stream adds. */
        @WithDefault("100ms")
        Duration batchWait();

        /** Unacknowledged messages the consumer may hold: the backpressure window. */
        @WithDefault("4000")
        int maxAckPending();

        /**
         * Time before JetStream redelivers an unacknowledged message. Batches in flight send
         * in-progress heartbeats, so this bounds how long the events a crashed bridge held wait
         * for redelivery, not how long a batch may take.
         */
        @WithDefault("30s")
        Duration ackWait();

        /** Deliveries before a message that keeps failing transiently is dead-lettered. */
        @WithDefault("20")
        int maxDeliver();

        /** First delay before retrying a batch that failed transiently; doubles up to {@link #maxRetryDelay()}. */
        @WithDefault("500ms")
        Duration retryDelay();

        /** Upper bound of the retry delay. */
        @WithDefault("30s")
        Duration maxRetryDelay();

        /** How long a re-embed waits out an unavailable embedder (retrying as above) before it fails; the table stays held. */
        @WithDefault("10m")
        Duration reembedOutageLimit();

        /**
         * On shutdown (SIGTERM), how long the batches in flight may take to commit and be acked.
         * What is still in flight after it is redelivered to the next run (harmless, never lost).
         * Keep Kubernetes' {@code terminationGracePeriodSeconds} above it.
         */
        @WithDefault("20s")
        Duration shutdownGrace();
    }

    interface Embedding {
        /** Threads the in-process model spreads a batch over; defaults to the number of cores. */
        Optional<Integer> threads();
    }

    /** Where an embedder's vectors come from. */
    enum Provider {
        /** A model in this JVM: {@code model} is all-MiniLM-L6-v2 (default), all-MiniLM-L6-v2-q or bge-small-en-v1.5-q. */
        IN_PROCESS,
        /** The events carry their vectors ({@code "vector": [...]}), {@code dimension} long. */
        PROVIDED,
        /** An OpenAI-compatible embeddings endpoint: OpenAI, Ollama ({@code http://host:11434/v1}), vLLM, LocalAI. */
        OPENAI
    }

    /** One embedder: {@code bridge.embedders.<name>.provider=openai}, ... */
    interface EmbedderSettings {
        Provider provider();

        /** The model: an in-process model's name, the remote model, or a label for provided vectors (default: the embedder's name). */
        Optional<String> model();

        /** Vector length; required for {@code provided} and {@code openai} (every answer is checked against it). */
        Optional<Integer> dimension();

        /** {@code openai}: the API root that {@code /embeddings} is under, e.g. {@code https://api.openai.com/v1}. */
        Optional<String> baseUrl();

        /** {@code openai}: the bearer token, if the endpoint wants one (mount it from a Secret). */
        Optional<String> apiKey();

        /** {@code openai}: how long one request may take; a timeout is an outage (the batch waits and retries). */
        @WithDefault("30s")
        Duration timeout();

        /** {@code openai}: most texts per request; a bigger batch is split. */
        @WithDefault("100")
        int maxBatch();

        /**
         * {@code openai}: requests of one batch sent at the same time, so that a model server
         * (a GPU) is kept busy while answers travel.
         */
        @WithDefault("4")
        int maxInFlight();
    }

    interface Search {
        /** Largest {@code k} a search may ask for. */
        @WithDefault("1000")
        int maxK();

        /**
         * IVF partitions a vector search probes once the table has a vector index (0: Lance's
         * default). With {@link #ef()} and {@link #refine()}, chosen for recall@10 ≥ 0.95 on WordNet
         * glosses (see the README's benchmarks).
         */
        @WithDefault("20")
        int nprobes();

        /** HNSW search breadth per probed partition (0: Lance's default). */
        @WithDefault("100")
        int ef();

        /** Index candidates per hit re-ranked by exact distance (0: none, distances stay approximate). */
        @WithDefault("2")
        int refine();

        /** What one request may cost: every limit answers a clear 400 when exceeded. */
        Limits limits();

        /**
         * Searches (JSON, GraphQL, Arrow) run at once; one more is answered 429 with
         * {@code Retry-After} at once instead of waiting. They share Lance's CPU threads with ingest,
         * so this is what keeps a flood of searches from starving it.
         */
        @WithDefault("4")
        int maxConcurrent();

        /** Row exports ({@code GET /tables/{t}/rows}) streaming at once; one more is answered 429. */
        @WithDefault("2")
        int maxConcurrentExports();

        /**
         * Longest a search may take. Checked between its stages (embedding the query, the vector and
         * full-text halves of a hybrid search, each batch read); a stage under way finishes first,
         * and its slot is held until it does. Exceeded: 503 with {@code Retry-After}.
         */
        @WithDefault("30s")
        Duration timeout();
    }

    /** The most one request may ask for. */
    interface Limits {
        /** Characters of a text query (longer ones are refused, not silently truncated). */
        @WithDefault("4096")
        int maxQueryLength();

        /** Characters of a filter (SQL predicate). */
        @WithDefault("4096")
        int maxFilterLength();

        /** Columns a search or export may name. */
        @WithDefault("256")
        int maxColumns();

        /** Largest {@code nprobes} a search may ask for. */
        @WithDefault("1000")
        int maxNprobes();

        /** Largest {@code ef} a search may ask for. */
        @WithDefault("2000")
        int maxEf();

        /** Largest {@code refine} a search may ask for. */
        @WithDefault("20")
        int maxRefine();

        /** Hits one GraphQL request may ask for in total, over all its (aliased) searches. */
        @WithDefault("2000")
        int maxTotalK();
    }

    /**
     * Who may call the API ({@code /tables}, {@code /graphql}). With no key configured the API is
     * open to anyone who reaches it (and a production start says so in a WARN line).
     */
    interface Api {
        /** {@code BRIDGE_API_KEY}: one key with full access (the {@code admin} role); the simplest form. */
        Optional<String> key();

        /** Named keys, each with its role: {@code bridge.api.keys.<name>.key} and {@code .role}. */
        Map<String, NamedKey> keys();
    }

    /** One API key and what it may do. */
    interface NamedKey {
        /** The key, as clients send it in {@code x-api-key} or {@code Authorization: Bearer}. */
        String key();

        /** {@code read}: describe, search, export, versions, tags, GraphQL; {@code admin}: also maintenance, re-embed, tag create/delete. */
        @WithDefault("read")
        ApiRole role();
    }

    /** What an API key may do; {@code admin} includes {@code read}. */
    enum ApiRole {
        READ,
        ADMIN
    }

    interface Health {
        /**
         * Liveness fails when a table's consumer has been stalled this long (events JetStream
         * holds that the pipeline does not receive or commit): a restart is the remedy then. The
         * stall itself is reported at once in the {@code ingest} health group. A quiet stream, an
         * unreachable NATS server or an unavailable embedder is not a stall.
         */
        @WithDefault("5m")
        Duration stallTimeout();
    }

    interface Dev {
        /** In dev mode, publish sample events (WordNet glosses) to an empty {@code events} stream. */
        @WithDefault("true")
        boolean seed();

        /**
         * Port of the nats-server dev mode starts (the standard NATS port, so that {@code nats pub}
         * needs no {@code --server}). When it is taken, a free port; either way the port stays the
         * same across live reloads, so publishers reconnect.
         */
        @WithDefault("4222")
        int natsPort();
    }

    interface Table {
        /** JetStream stream that feeds the table; created if absent. */
        String stream();

        /** Subjects of the stream that feed the table (the consumer's filter). */
        List<String> subjects();

        /**
         * What the stream's payloads are: {@code json} (an object that is the row) or
         * {@code debezium} (a Debezium change event, whose row image the pointers below address;
         * see the README, "From Postgres with Debezium").
         */
        @WithDefault("json")
        String format();

        /**
         * JSON pointer to the row id in the payload (a string or an integer); several,
         * comma-separated, for a composite key. A json event without it is keyed by its
         * {@code Nats-Msg-Id} header, else by {@code <stream>:<sequence>}.
         */
        @WithDefault("/id")
        String id();

        /**
         * Debezium tables: how long a deleted row's tombstone keeps a re-sent older change of the
         * row from bringing it back. Longer than Debezium can be behind after a restart (it
         * re-sends what came after its last flushed offset).
         */
        @WithDefault("24h")
        Duration tombstoneRetention();

        /**
         * The text that is embedded and searched, a template of payload fields such as
         * {@code {title}: {body}} (each placeholder a JSON pointer, its leading slash optional).
         */
        @WithDefault("{text}")
        String text();

        /**
         * JSON pointer to the event's own time (ISO-8601 with an offset, or epoch milliseconds),
         * stored as {@code event_time}; unset or absent from an event: when JetStream stored it.
         */
        Optional<String> eventTime();

        /**
         * The embedder that makes the table's vectors: {@code minilm} (in-process
         * all-MiniLM-L6-v2), {@code minilm-q} (the same, quantized), {@code bge-small} (in-process
         * bge-small-en-v1.5, quantized), or a name
         * declared under {@code bridge.embedders}.
         */
        @WithDefault("minilm")
        String embedder();

        /** Typed columns from payload fields, by column name; the table's schema is derived from them. */
        Map<String, Column> columns();
    }

    /** A typed column: {@code bridge.tables.<table>.columns.<column>.type=double}. */
    interface Column {
        /** string, int, long, double, boolean, timestamp, list<string>, or json (any value kept as JSON text). */
        String type();

        /** JSON pointer to the field in the payload; defaults to the top-level field of the column's name. */
        Optional<String> pointer();

        /** Whether an event may lack the field (the row holds null); an event lacking a required one is dead-lettered. */
        @WithDefault("true")
        boolean nullable();
    }
}
