package dev.lancebridge.ingest;

import dev.lancebridge.normalize.Rejection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.io.IOException;

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

    private final JetStream jetStream;
    private final String subject;

    DeadLetters(JetStream jetStream, String table) {
        this.jetStream = jetStream;
        this.subject = JetStreamSetup.DEAD_LETTER_PREFIX + table;
    }

    String subject() {
        return subject;
    }

    /** Returns once JetStream has stored the dead letter. */
    void publish(Message original, Rejection.Reason reason, String detail) throws IOException, JetStreamApiException {
        Headers headers = new Headers();
        if (original.hasHeaders()) {
            original.getHeaders().forEach((key, values) -> {
                if (key.equalsIgnoreCase("Nats-Msg-Id")) {
                    headers.put(ORIGINAL_MSG_ID, values);
                } else if (!key.regionMatches(true, 0, "Nats-", 0, 5)) {
                    headers.put(key, values);
                }
            });
        }
        long seq = original.metaData().streamSequence();
        String stream = original.metaData().getStream();
        headers.put(ERROR, reason.name());
        headers.put(ERROR_DETAIL, singleLine(detail));
        headers.put(ORIGINAL_SUBJECT, original.getSubject());
        headers.put(ORIGINAL_STREAM, stream);
        headers.put(ORIGINAL_SEQ, Long.toString(seq));
        NatsMessage letter = NatsMessage.builder()
                .subject(subject)
                .headers(headers)
                .data(original.getData())
                .build();
        jetStream.publish(letter, PublishOptions.builder().messageId("dlq:" + stream + ":" + seq).build());
    }

    /** Header values cannot hold line breaks. */
    private static String singleLine(String text) {
        String flat = text == null ? "" : text.replaceAll("[\\r\\n]+", " ");
        return flat.length() > 1000 ? flat.substring(0, 1000) + "…" : flat;
    }
}
