package dev.lancebridge.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Message;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads one message of a stream by sequence through JetStream's message-get API, raw: the
 * answer is JSON with the header block and payload in base64, parsed here, so a header block
 * the client library refuses is kept byte for byte (see {@link DeadLetters.Original#of}).
 */
final class StreamMessages {

    /** JetStream's "no message found": the stream's limits or a delete removed it. */
    private static final int NO_MESSAGE = 10037;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final Duration timeout;

    StreamMessages(Connection connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    /** The message, or empty when the stream no longer holds it; throws when JetStream does not answer or answers garbage. */
    Optional<DeadLetters.Original> get(String stream, long seq) throws IOException {
        Message answer;
        try {
            answer = connection.request("$JS.API.STREAM.MSG.GET." + stream,
                    ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.US_ASCII), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + stream + " seq " + seq, e);
        }
        if (answer == null) {
            throw new IOException("no answer within " + timeout + " reading " + stream + " seq " + seq);
        }
        return parse(stream, seq, answer.getData());
    }

    static Optional<DeadLetters.Original> parse(String stream, long seq, byte[] answer) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(answer);
        } catch (IOException e) {
            throw new IOException("JetStream answered " + stream + " seq " + seq + " with something that is not JSON", e);
        }
        JsonNode error = json.path("error");
        if (!error.isMissingNode()) {
            if (error.path("err_code").asInt() == NO_MESSAGE) {
                return Optional.empty();
            }
            throw new IOException("JetStream refused to read " + stream + " seq " + seq + ": " + error.path("description").asText(error.toString()));
        }
        JsonNode message = json.path("message");
        if (!message.path("subject").isTextual() || message.path("seq").asLong() != seq) {
            throw new IOException("JetStream's answer for " + stream + " seq " + seq + " holds no such message: " + abbreviate(json.toString()));
        }
        Base64.Decoder base64 = Base64.getDecoder();
        try {
            byte[] headers = message.hasNonNull("hdrs") ? base64.decode(message.get("hdrs").asText()) : null;
            byte[] data = message.hasNonNull("data") ? base64.decode(message.get("data").asText()) : new byte[0];
            return Optional.of(DeadLetters.Original.of(stream, seq, message.get("subject").asText(), headers, data));
        } catch (IllegalArgumentException e) {
            throw new IOException("JetStream's answer for " + stream + " seq " + seq + " is not valid base64", e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
