package dev.lancebridge.api.lancedb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lancebridge.config.TableDeclaration;
import dev.lancebridge.ingest.EventHeaders;
import dev.lancebridge.ingest.NatsClient;
import dev.lancebridge.ingest.Pipelines;
import dev.lancebridge.search.InvalidSearchException;
import dev.lancebridge.search.SearchService;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes from LanceDB's clients, made events: each written row is published to the table's stream
 * as the upsert a producer would send, each row a delete's predicate matches as a delete. The
 * single writer and its exactly-once effect stay the bridge's; a write is visible at the commit
 * that takes its events (within a second, as any event), not when the answer comes.
 *
 * <p>Every event is checked by the table's own normalizer before anything is published, so a bad
 * row refuses the whole write (400) instead of landing in the dead-letter stream. Each message
 * carries a {@code Nats-Msg-Id} made of the client's request id and the row, so a retried request
 * (the same id) is dropped by JetStream's duplicate window instead of written twice.
 */
@ApplicationScoped
public class RemoteWrites {

    /** Most rows one delete may name: more is refused, never cut short. */
    static final int MAX_DELETED_ROWS = 100_000;
    /** Arrow memory one write body may take once decompressed. */
    private static final long MAX_BODY_MEMORY = 256L << 20;
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Pipelines pipelines;
    private final NatsClient nats;
    private final SearchService search;

    public RemoteWrites(Pipelines pipelines, NatsClient nats, SearchService search) {
        this.pipelines = pipelines;
        this.nats = nats;
        this.search = search;
    }

    /** Publishes each row of an Arrow IPC stream (LZ4 or uncompressed) as an upsert; the number published. */
    public int upsert(String table, String requestId, InputStream body) {
        search.schema(table, null); // an unknown or broken table answers as for a read (and costs no table statistics)
        TableDeclaration declaration = pipelines.declaration(table);
        String subject = subject(declaration);
        List<NatsMessage> messages = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator(MAX_BODY_MEMORY);
             ArrowStreamReader reader = new ArrowStreamReader(body, allocator, CommonsCompressionFactory.INSTANCE)) {
            while (reader.loadNextBatch()) {
                if (reader.getVectorSchemaRoot().getVector(dev.lancebridge.store.TableSchema.ID) == null) {
                    throw new InvalidSearchException("every written row needs its 'id': the bridge upserts by id");
                }
                for (ObjectNode payload : RowEvents.payloads(reader.getVectorSchemaRoot(), declaration)) {
                    messages.add(checked(table, subject, requestId + ":" + messages.size(), payload, null));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidSearchException invalid) {
                throw invalid;
            }
            throw new InvalidSearchException("the body is not an Arrow IPC stream the bridge can read (uncompressed or LZ4_FRAME): "
                    + e.getMessage(), e);
        }
        publish(table, messages);
        return messages.size();
    }

    /** Publishes a delete for each row of the latest version that matches {@code predicate}; the number published. */
    public int delete(String table, String requestId, String predicate) {
        if (predicate == null || predicate.isBlank()) {
            throw new InvalidSearchException("a delete needs a predicate");
        }
        List<String> ids = search.ids(table, predicate, MAX_DELETED_ROWS);
        TableDeclaration declaration = pipelines.declaration(table);
        String subject = subject(declaration);
        List<NatsMessage> messages = new ArrayList<>(ids.size());
        for (String id : ids) {
            messages.add(checked(table, subject, requestId + ":delete:" + id, RowEvents.deletion(id, declaration), EventHeaders.OP_DELETE));
        }
        publish(table, messages);
        return messages.size();
    }

    /** The event, once the table's normalizer took it as it will when the pipeline reads it. */
    private NatsMessage checked(String table, String subject, String messageId, ObjectNode payload, String op) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String msgId = "lancedb:" + messageId;
        pipelines.rejectionOf(table, subject, msgId, op, bytes).ifPresent(why -> {
            throw new InvalidSearchException("a written row would be dead-lettered (" + why + ")");
        });
        Headers headers = new Headers().put(EventHeaders.MSG_ID, msgId);
        if (op != null) {
            headers.put(EventHeaders.OP, op);
        }
        return NatsMessage.builder().subject(subject).headers(headers).data(bytes).build();
    }

    /** Publishes every message and waits until JetStream stored them all; NATS away or slow is a 503 the client retries. */
    private void publish(String table, List<NatsMessage> messages) {
        if (!nats.connected()) {
            throw new WriteUnavailableException(table, "NATS is not connected", null); // at once, rather than after the timeout
        }
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(messages.size());
        try {
            for (NatsMessage message : messages) {
                acks.add(nats.jetStream().publishAsync(message));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteUnavailableException(table, "interrupted", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new WriteUnavailableException(table, e.getCause() != null ? e.getCause().getMessage() : e.toString(), e);
        }
    }

    /** The subject written rows are published on: the table's first subject, a wildcard token made {@code lancedb}. */
    static String subject(TableDeclaration table) {
        String[] tokens = table.subjects().get(0).split("\\.");
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals("*") || tokens[i].equals(">")) {
                tokens[i] = "lancedb";
            }
        }
        return String.join(".", tokens);
    }

    /** JetStream did not take a write's events in time: nothing is lost, the client retries (same request id, no doubles). */
    public static final class WriteUnavailableException extends RuntimeException {
        WriteUnavailableException(String table, String why, Throwable cause) {
            super("the events of a write to table '" + table + "' were not all stored by JetStream (" + why
                    + "); retry the write: the events already stored are not stored twice", cause);
        }
    }
}
