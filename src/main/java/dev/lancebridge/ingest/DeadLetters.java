package dev.lancebridge.ingest;

import dev.lancebridge.config.Redaction;
import dev.lancebridge.normalize.Rejection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.IncomingHeadersProcessor;

import java.io.IOException;
import java.util.Base64;

/**
 * Publishes an event the bridge cannot store to {@code bridge.dlq.<table>}: the original payload
 * and headers, where it came from, and why. Publishing is deduplicated by the original stream
 * and sequence, so a redelivered event is dead-lettered once.
 */
final class DeadLetters {

    static final String ERROR = "Bridge-Error";
    static final String ERROR_DETAIL = "Bridge-Error-Detail";
    static final String ORIGINAL_SUBJECT = "Bridge-Original-Subject";
    static final String ORIGINAL_STREAM = "Bridge-Original-Stream";
    static final String ORIGINAL_SEQ = "Bridge-Original-Seq";
    static final String ORIGINAL_MSG_ID = "Bridge-Original-Msg-Id";

    /** Stores a letter in JetStream and returns once it is stored: {@link JetStream#publish(Message, PublishOptions)}. */
    @FunctionalInterface
    interface Publisher {
        void publish(Message letter, PublishOptions options) throws IOException, JetStreamApiException;
    }

    private final Publisher publisher;
    private final String subject;

    DeadLetters(JetStream jetStream, String table) {
        this((letter, options) -> jetStream.publish(letter, options), table);
    }

    DeadLetters(Publisher publisher, String table) {
        this.publisher = publisher;
        this.subject = JetStreamSetup.DEAD_LETTER_PREFIX + table;
    }

    /**
     * An event as it was stored: its stream, sequence and subject, its headers (null when none)
     * and its payload. A header block the client cannot parse travels as one header,
     * {@link HeaderGuard#UNREADABLE}, holding the block in base64.
     */
    record Original(String stream, long seq, String subject, Headers headers, byte[] data) {

        static Original of(Message message) {
            return new Original(message.metaData().getStream(), message.metaData().streamSequence(), message.getSubject(),
                    message.hasHeaders() ? message.getHeaders() : null, message.getData());
        }

        /** From a raw header block (null or empty when none), as the stream's message-get API returns it. */
        static Original of(String stream, long seq, String subject, byte[] headerBlock, byte[] data) {
            Headers headers = null;
            if (headerBlock != null && headerBlock.length > 0) {
                if (HeaderGuard.readable(headerBlock)) {
                    headers = new IncomingHeadersProcessor(headerBlock).getHeaders();
                } else {
                    headers = new Headers().put(HeaderGuard.UNREADABLE, Base64.getEncoder().encodeToString(headerBlock));
                }
            }
            return new Original(stream, seq, subject, headers, data);
        }
    }

    String subject() {
        return subject;
    }

    /** Returns once JetStream has stored the dead letter. */
    void publish(Original original, Rejection.Reason reason, String detail) throws IOException, JetStreamApiException {
        Headers headers = new Headers();
        if (original.headers() != null) {
            original.headers().forEach((key, values) -> {
                if (key.equalsIgnoreCase("Nats-Msg-Id")) {
                    headers.put(ORIGINAL_MSG_ID, values);
                } else if (!key.regionMatches(true, 0, "Nats-", 0, 5)) {
                    headers.put(key, values);
                }
            });
        }
        headers.put(ERROR, reason.name());
        headers.put(ERROR_DETAIL, singleLine(detail));
        headers.put(ORIGINAL_SUBJECT, original.subject());
        headers.put(ORIGINAL_STREAM, original.stream());
        headers.put(ORIGINAL_SEQ, Long.toString(original.seq()));
        NatsMessage letter = NatsMessage.builder()
                .subject(subject)
                .headers(headers)
                .data(original.data())
                .build();
        publisher.publish(letter, PublishOptions.builder().messageId("dlq:" + original.stream() + ":" + original.seq()).build());
    }

    /** Header values cannot hold line breaks, nor a letter's reader the credentials an endpoint's error repeated. */
    private static String singleLine(String text) {
        String flat = text == null ? "" : Redaction.secrets(text).replaceAll("[\\r\\n]+", " ");
        return flat.length() > 1000 ? flat.substring(0, 1000) + "…" : flat;
    }
}
