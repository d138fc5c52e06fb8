package dev.lancebridge.support;

import dev.lancebridge.config.BridgeConfig;
import io.quarkus.runtime.configuration.MemorySize;

import java.math.BigInteger;
import java.time.Duration;

/** Ingest settings for tests that build pipeline parts without Quarkus. */
public record IngestSettings(int batchSize, int maxBatchSize, MemorySize maxBatchBytes, Duration batchWait, int maxAckPending, Duration ackWait,
                             int maxDeliver, Duration retryDelay, Duration maxRetryDelay, Duration reembedOutageLimit,
                             Duration shutdownGrace)
        implements BridgeConfig.Ingest {

    /** Small batches, quick retries, and the given redelivery time and delivery bound. */
    public static IngestSettings quick(Duration ackWait, int maxDeliver, Duration maxRetryDelay) {
        return new IngestSettings(10, 40, new MemorySize(BigInteger.valueOf(16L << 20)), Duration.ofMillis(50), 100, ackWait, maxDeliver,
                Duration.ofMillis(100), maxRetryDelay, Duration.ofMinutes(1), Duration.ofSeconds(10));
    }
}
