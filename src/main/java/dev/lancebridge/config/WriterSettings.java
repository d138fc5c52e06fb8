package dev.lancebridge.config;

import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** How writers split tables between them, under {@code bridge.writer.*} (see README, Beyond one machine). */
public interface WriterSettings {

    /**
     * This writer's name in the table leases. Default: the host name, which in a StatefulSet is
     * the pod's stable name, so a restarted writer takes its own leases back at once.
     */
    Optional<String> id();

    /**
     * Whether a writer takes a lease per table in the NATS KV bucket {@code bridge_table_leases}
     * before it opens the table, so that two writers never own one table (and its consumer).
     */
    @WithDefault("true")
    boolean leases();

    /**
     * How long a lease outlives its writer (renewed every third of it). A writer that died without
     * letting go blocks another owner this long; one that lost NATS for longer loses its leases.
     */
    @WithDefault("30s")
    Duration leaseTtl();
}
