package dev.lancebridge.ingest;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerInfo;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A table's durable pull consumer as its pipeline uses it: fetches bounded by count and by bytes
 * (JetStream's own {@code max_bytes}, so a batch of large events never lands in the heap whole),
 * and what JetStream holds for it.
 */
final class TableConsumer implements EventSource {

    /** Room for a message's headers and protocol beside its payload. */
    private static final long ENVELOPE = 64 * 1024;

    /** The server expires a pull this much before the fetch stops waiting, so that nothing arrives after it. */
    private static final Duration EXPIRY_MARGIN = Duration.ofMillis(10);

    private final JetStreamSubscription subscription;
    private final long maxBytes;

    private TableConsumer(JetStreamSubscription subscription, long maxBytes) {
        this.subscription = subscription;
        this.maxBytes = maxBytes;
    }

    /**
     * Binds to the durable {@code durable} of {@code stream}. A fetch is never bounded below the
     * largest message the server takes: JetStream would hold such a message back for good.
     */
    static TableConsumer bind(Connection connection, String stream, String durable, long maxBatchBytes) {
        try {
            long largest = connection.getServerInfo().getMaxPayload() + ENVELOPE;
            return new TableConsumer(connection.jetStream().subscribe(null, PullSubscribeOptions.bind(stream, durable)),
                    Math.max(maxBatchBytes, largest));
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot bind to consumer " + durable + " of stream " + stream + ": " + e.getMessage(), e);
        }
    }

    /** The bytes a fetch asks for at most. */
    long maxBytes() {
        return maxBytes;
    }

    /**
     * Up to {@code maxMessages} messages and {@link #maxBytes()} bytes, waiting at most
     * {@code maxWait}; throws when JetStream cannot be asked. One pull request: the server ends
     * it when the batch is full by count or by bytes, or when it expires.
     */
    @Override
    public List<Delivery> fetch(int maxMessages, Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        Duration expires = maxWait.compareTo(EXPIRY_MARGIN.multipliedBy(2)) > 0 ? maxWait.minus(EXPIRY_MARGIN) : maxWait;
        List<Delivery> messages = new ArrayList<>();
        try {
            subscription.pull(PullRequestOptions.builder(maxMessages).maxBytes(maxBytes).expiresIn(expires).build());
            while (messages.size() < maxMessages) {
                long left = deadline - System.nanoTime();
                Message message = left > 0 ? subscription.nextMessage(Duration.ofNanos(left)) : null;
                if (message == null) {
                    break; // expired, or the server ended the request (full by bytes)
                }
                messages.add(new JetStreamDelivery(message));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (messages.isEmpty()) {
                throw new IllegalStateException("fetch from consumer " + name() + " failed: " + e.getMessage(), e);
            }
        }
        return messages;
    }

    /**
     * Messages that arrived after their fetch gave up waiting (its pull was still being answered):
     * without a new pull, whatever comes within {@code wait}. Read before stopping, so that no
     * delivered message is left unseen (it would stay unacked until ack-wait, and a drain of the
     * connection would wait on it).
     */
    @Override
    public List<Delivery> stragglers(Duration wait) {
        List<Delivery> messages = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            for (long left = wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                Message message = subscription.nextMessage(Duration.ofNanos(left));
                if (message != null) {
                    messages.add(new JetStreamDelivery(message));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the connection is going: what was read is returned
        }
        return messages;
    }

    @Override
    public ConsumerInfo info() throws IOException, JetStreamApiException {
        return subscription.getConsumerInfo();
    }

    @Override
    public String name() {
        return subscription.getConsumerName();
    }
}
