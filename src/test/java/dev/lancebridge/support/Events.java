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
