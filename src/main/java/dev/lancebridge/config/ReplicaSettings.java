package dev.lancebridge.config;

import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How a search replica ({@code bridge.role=search}) follows the writer, under {@code bridge.replica.*}. */
public interface ReplicaSettings {

    /**
     * How often a search replica checks the store for a newer version of each table. The writer
     * also announces every commit on NATS ({@code _bridge.commits.<table>}), which the replica
     * follows at once; this check bounds the lag when an announcement is missed (NATS away).
     */
    @WithDefault("1s")
    Duration pollInterval();
}
