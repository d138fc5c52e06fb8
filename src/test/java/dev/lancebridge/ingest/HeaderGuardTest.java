package dev.lancebridge.ingest;

import io.nats.client.support.IncomingHeadersProcessor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderGuardTest {

    private static final String READABLE = "NATS/1.0\r\nNats-Msg-Id: a\r\n\r\n";
    private static final String UNREADABLE = "NATS/1.0\r\nX-Note: café\r\n\r\n";
    private static final String MALFORMED = "NATS/1.0\r\nno colon here\r\n\r\n";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String hmsg(String subject, String reply, String headers, String body) {
        int headerBytes = utf8(headers).length;
        return "HMSG " + subject + " 7 " + reply + " " + headerBytes + " " + (headerBytes + utf8(body).length) + "\r\n"
                + headers + body + "\r\n";
    }

    /** Feeds {@code protocol} in chunks of {@code chunk} bytes and drains in reads of {@code read} bytes. */
    private static String pass(byte[] protocol, int chunk, int read) {
        HeaderGuard guard = new HeaderGuard();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[read];
        for (int at = 0; at < protocol.length; at += chunk) {
            guard.accept(protocol, at, Math.min(chunk, protocol.length - at));
            while (guard.hasOutput()) {
                int n = guard.drainTo(buffer, 0, buffer.length);
                out.write(buffer, 0, n);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void readableProtocolPassesUnchangedHoweverTheSocketSplitsIt() {
        String protocol = "INFO {\"server_id\":\"x\",\"headers\":true}\r\nPING\r\n+OK\r\n"
                + "MSG events.a 3 $JS.ACK.EVENTS.bridge-events.1.1.1.1.0 18\r\n{\"text\":\"a\r\nb\"}\r\n"
                + hmsg("events.b", "$JS.ACK.EVENTS.bridge-events.1.2.2.1.0", READABLE, "{\"text\":\"HMSG in body\"}")
                + "PONG\r\n";
        for (int chunk = 1; chunk <= protocol.length(); chunk += chunk < 8 ? 1 : 13) {
            assertEquals(protocol, pass(utf8(protocol), chunk, 5), "chunks of " + chunk);
        }
    }

    @Test
    void anUnreadableHeaderBlockIsReplacedByOneCarryingItInBase64() {
        String body = "{\"id\":\"a\",\"text\":\"x\"}";
        String protocol = hmsg("events.c", "$JS.ACK.EVENTS.bridge-events.1.3.3.1.0", UNREADABLE, body)
                + hmsg("events.d", "$JS.ACK.EVENTS.bridge-events.1.4.4.1.0", MALFORMED, body)
                + "MSG events.e 3 2\r\nok\r\n";
        assertFalse(HeaderGuard.readable(utf8(UNREADABLE)));
        assertFalse(HeaderGuard.readable(utf8(MALFORMED)));
        for (int chunk : new int[] {1, 2, 17, 4096}) {
            String passed = pass(utf8(protocol), chunk, 3);
            String[] lines = passed.split("\r\n");
            String marker1 = "NATS/1.0\r\n" + HeaderGuard.UNREADABLE + ": "
                    + Base64.getEncoder().encodeToString(utf8(UNREADABLE)) + "\r\n\r\n";
            String marker2 = "NATS/1.0\r\n" + HeaderGuard.UNREADABLE + ": "
                    + Base64.getEncoder().encodeToString(utf8(MALFORMED)) + "\r\n\r\n";
            assertEquals(hmsg("events.c", "$JS.ACK.EVENTS.bridge-events.1.3.3.1.0", marker1, body)
                    + hmsg("events.d", "$JS.ACK.EVENTS.bridge-events.1.4.4.1.0", marker2, body)
                    + "MSG events.e 3 2\r\nok\r\n", passed, "chunks of " + chunk + ": " + lines[0]);
            assertTrue(new IncomingHeadersProcessor(utf8(marker1)).getHeaders().containsKey(HeaderGuard.UNREADABLE));
        }
    }

    @Test
    void aReplyLessHmsgKeepsItsShape() {
        String protocol = hmsg("events.f", "", UNREADABLE, "{}").replace("7  ", "7 ");
        String passed = pass(utf8(protocol), 3, 64);
        assertTrue(passed.startsWith("HMSG events.f 7 "), passed);
        assertEquals(5, passed.substring(0, passed.indexOf("\r\n")).split(" ").length, passed);
    }

    /** The protocol line's words are exactly those of {@code trim().split(" +")}, which it replaced for speed. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"MSG a.b 1 $JS.ACK.x 12", "  HMSG  a.b 1  r 3 12  ", "PING", "", "   ",
        "MSG\ta 1 2", "+OK", "MSG a  b", "x\r"})
    void protocolLinesSplitAsTheRegularExpressionDid(String line) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(line.trim().split(" +"), HeaderGuard.words(line), "'" + line + "'");
    }
}
