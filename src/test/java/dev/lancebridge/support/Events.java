package dev.lancebridge.support;

import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Publishing events and reading streams back, for tests. */
public final class Events {

    private Events() {
    }

    /** Publishes and waits for JetStream's ack; returns the stream sequence. */
    public static long publish(JetStream js, String subject, String payload, String... headerPairs) {
        Headers headers = new Headers();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], headerPairs[i + 1]);
        }
        try {
            return js.publish(NatsMessage.builder().subject(subject).headers(headers)
                    .data(payload.getBytes(StandardCharsets.UTF_8)).build()).getSeqno();
        } catch (Exception e) {
            throw new IllegalStateException("publish to " + subject + " failed", e);
        }
    }

    /**
     * Publishes with a header block jnats refuses to send (e.g. a non-ASCII value), as clients in
     * other languages may: raw NATS protocol over a socket. Returns once the server answered a PING
     * after it, so the stream has it.
     */
    public static void publishRaw(String natsUri, String subject, String headerBlock, String payload) {
        java.net.URI uri = java.net.URI.create(natsUri);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            in.readLine(); // INFO
            byte[] headers = headerBlock.getBytes(StandardCharsets.UTF_8);
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            var out = socket.getOutputStream();
            out.write(("CONNECT {\"verbose\":false,\"headers\":true,\"protocol\":1}\r\nHPUB " + subject + " " + headers.length + " "
                    + (headers.length + body.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(headers);
            out.write(body);
            out.write("\r\nPING\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (String line = in.readLine(); !"PONG".equals(line); line = in.readLine()) {
                if (line == null || line.startsWith("-ERR")) {
                    throw new IllegalStateException("raw publish to " + subject + " refused: " + line);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("raw publish to " + subject + " failed", e);
        }
    }

    /** Waits until the events table's consumer ({@code bridge-events} on EVENTS) has nothing pending and nothing unacked. */
    public static void awaitCaughtUp(JetStreamManagement jsm, java.time.Duration wait) {
        org.awaitility.Awaitility.await().atMost(wait).pollInterval(java.time.Duration.ofMillis(250)).until(() -> {
            var info = jsm.getConsumerInfo("EVENTS", "bridge-events");
            return info.getNumPending() == 0 && info.getNumAckPending() == 0;
        });
    }

    /** Every message a stream holds, in order. */
    public static List<MessageInfo> all(JetStreamManagement jsm, String stream) {
        try {
            long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
            List<MessageInfo> messages = new ArrayList<>();
            for (long seq = 1; seq <= last; seq++) {
                messages.add(jsm.getMessage(stream, seq));
            }
            return messages;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read stream " + stream, e);
        }
    }

    /** The WordNet glosses that ship with the application as dev-mode samples (JSON lines). */
    public static List<String> wordnetSamples() {
        try (var in = Objects.requireNonNull(Events.class.getResourceAsStream("/samples/wordnet-glosses.jsonl"))) {
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(line -> !line.isBlank()).toList();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
