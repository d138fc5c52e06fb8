package dev.lancebridge.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/** Where the tables are and how Lance keeps them, under {@code bridge.store.*}. */
public interface StoreSettings {

    /**
     * Where the tables are: a directory, or an object-store prefix ({@code s3://bucket/prefix},
     * {@code gs://}, {@code az://}). It holds one {@code <table>.lance} dataset per table, plus
     * {@code _bridge/} state.
     */
    @WithDefault("data")
    String path();

    /**
     * Storage options handed to Lance for an object store (its names: {@code aws_endpoint},
     * {@code aws_region}, {@code aws_access_key_id}, {@code aws_secret_access_key},
     * {@code allow_http}, ...). Values of keys naming a secret, key or token are redacted.
     */
    Map<String, String> options();

    /**
     * Native memory Lance may use to cache index pages, shared by all tables. It fills only
     * with the indexes searches use; a vector index that does not fit is re-read on every
     * search, slower than brute force (figures in bench/REPORT.md). Lance's own default
     * (6 GiB) would let RSS grow far past a container limit.
     */
    @WithDefault("1G")
    MemorySize indexCache();

    /** Native memory Lance may use to cache manifests and file metadata (Lance's default: 1 GiB). */
    @WithDefault("64M")
    MemorySize metadataCache();

    /**
     * How often each table is compacted and its old versions cleaned up. Every commit adds a
     * version and fragments; left alone, a busy table becomes thousands of them.
     */
    @WithDefault("60s")
    Duration maintenanceInterval();

    /** How long old versions stay readable (time travel) before cleanup removes them; tagged versions stay. */
    @WithDefault("1h")
    Duration versionRetention();

    /** The vector index a table gets once brute force starts to cost (built by maintenance). */
    VectorIndex vectorIndex();

    /** An IVF_HNSW_SQ index (cosine): IVF partitions, each an HNSW graph over 8-bit scalar-quantised vectors. */
    interface VectorIndex {
        /** Rows from which a table gets its vector index; below it, brute force is fast and exact. */
        @WithDefault("50000")
        long minRows();

        /** IVF partition size aimed at: a table gets rows / this partitions, at least one. */
        @WithDefault("100000")
        long rowsPerPartition();

        /** HNSW neighbours per node. */
        @WithDefault("20")
        int m();

        /** HNSW candidates considered per node while building. */
        @WithDefault("150")
        int efConstruction();
    }
}
