package dev.lancebridge.normalize;

/**
 * A message as it left JetStream: what the normalizer needs and nothing of the client library.
 *
 * @param stream      the stream that stored it
 * @param streamSeq   its stream sequence: orders versions of the same id
 * @param subject     the subject it was published on
 * @param timeMillis  the time JetStream stored it (epoch milliseconds)
 * @param msgId       the {@code Nats-Msg-Id} header, or null
 * @param op          the {@code Bridge-Op} header, or null
 * @param payload     the raw payload
 * @param movedKey    the other key of a Debezium primary-key change: a delete's {@code __debezium.newkey}
 *                    header, a create's {@code __debezium.oldkey}; else null
 */
public record RawEvent(String stream, long streamSeq, String subject, long timeMillis,
                       String msgId, String op, byte[] payload, String movedKey) {

    public RawEvent(String stream, long streamSeq, String subject, long timeMillis, String msgId, String op, byte[] payload) {
        this(stream, streamSeq, subject, timeMillis, msgId, op, payload, null);
    }
}
