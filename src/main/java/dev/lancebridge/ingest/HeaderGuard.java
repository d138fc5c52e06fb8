package dev.lancebridge.ingest;

import io.nats.client.support.IncomingHeadersProcessor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Sits between the socket and jnats's protocol reader and lets through only message headers
 * that jnats can parse. jnats rejects a header block with a non-ASCII value or a malformed line
 * inside its reader thread, which then dies without a word: the whole connection stops
 * receiving, and the message is redelivered into the same fate until JetStream drops it. Here
 * such a block is replaced by one header, {@value #UNREADABLE}, holding the original block in
 * base64, so the message reaches the bridge with its payload and reply subject intact and is
 * dead-lettered with its bytes.
 *
 * <p>Pure and incremental: {@link #accept} takes the bytes as the socket hands them over, split
 * anywhere, and {@link #drainTo} gives back the protocol jnats reads. A message's protocol line
 * and header block are held back until the block is complete; payloads pass through by length.
 */
final class HeaderGuard {

    /** The header that replaces a header block jnats cannot parse; its value is the original block in base64. */
    static final String UNREADABLE = "Bridge-Unreadable-Headers";
    private static final byte[] HEADER_VERSION = "NATS/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Longer protocol lines than this are not NATS: passed through as they come. */
    private static final int MAX_LINE = 1 << 20;

    private enum Mode { LINE, HEADERS, BODY }

    private Mode mode = Mode.LINE;
    private byte[] line = new byte[256];
    private int lineLength;
    /** The current HMSG's protocol line, split on spaces, while its header block is gathered. */
    private String[] hmsg;
    private long hmsgTotal;
    private byte[] headers;
    private int headersLength;
    /** Bytes of the current message's body (and its trailing CRLF) still to pass through. */
    private long bodyLeft;
    private byte[] out = new byte[64 * 1024];
    private int outStart;
    private int outEnd;
    private long replaced;

    /** Takes {@code length} bytes read from the socket. */
    void accept(byte[] in, int offset, int length) {
        int at = offset;
        int end = offset + length;
        while (at < end) {
            switch (mode) {
                case BODY -> {
                    int take = (int) Math.min(bodyLeft, end - at);
                    emit(in, at, take);
                    at += take;
                    bodyLeft -= take;
                    if (bodyLeft == 0) {
                        mode = Mode.LINE;
                    }
                }
                case HEADERS -> {
                    int take = Math.min(headers.length - headersLength, end - at);
                    System.arraycopy(in, at, headers, headersLength, take);
                    headersLength += take;
                    at += take;
                    if (headersLength == headers.length) {
                        headersComplete();
                    }
                }
                case LINE -> {
                    byte b = in[at++];
                    appendToLine(b);
                    if (b == '\n' || lineLength >= MAX_LINE) {
                        lineComplete();
                    }
                }
            }
        }
    }

    boolean hasOutput() {
        return outEnd > outStart;
    }

    /** Moves up to {@code length} bytes of protocol into {@code dst}; returns how many. */
    int drainTo(byte[] dst, int offset, int length) {
        int n = Math.min(length, outEnd - outStart);
        System.arraycopy(out, outStart, dst, offset, n);
        outStart += n;
        if (outStart == outEnd) {
            outStart = 0;
            outEnd = 0;
        }
        return n;
    }

    /** Header blocks replaced so far. */
    long replaced() {
        return replaced;
    }

    private void appendToLine(byte b) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }

    private void lineComplete() {
        String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        String[] args = words(text);
        String op = args[0].toUpperCase(java.util.Locale.ROOT);
        long total = args.length >= 4 && (op.equals("MSG") || op.equals("HMSG")) ? number(args[args.length - 1]) : -1;
        if (op.equals("HMSG") && args.length >= 5 && total >= 0) {
            long headerBytes = number(args[args.length - 2]);
            if (headerBytes >= 0 && headerBytes <= total && headerBytes <= Integer.MAX_VALUE) {
                hmsg = args;
                hmsgTotal = total;
                headers = new byte[(int) headerBytes];
                headersLength = 0;
                bodyLeft = total - headerBytes + 2;
                lineLength = 0;
                mode = Mode.HEADERS;
                if (headers.length == 0) {
                    headersComplete();
                }
                return;
            }
        }
        emit(line, 0, lineLength);
        lineLength = 0;
        if (op.equals("MSG") && total >= 0) {
            bodyLeft = total + 2;
            mode = Mode.BODY;
        }
    }

    /**
     * The line's words, as {@code text.trim().split(" +")} gives them, without a regular
     * expression: this runs for every message the connection reads, and {@code split(" +")}
     * compiles its pattern each time.
     */
    static String[] words(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return new String[] {""};
        }
        java.util.List<String> words = new java.util.ArrayList<>(6);
        int at = 0;
        while (at < trimmed.length()) {
            int end = trimmed.indexOf(' ', at);
            if (end < 0) {
                end = trimmed.length();
            }
            if (end > at) {
                words.add(trimmed.substring(at, end));
            }
            at = end + 1;
        }
        return words.toArray(new String[0]);
    }

    private void headersComplete() {
        if (readable(headers)) {
            emit(hmsgLine(hmsg, headers.length, hmsgTotal), 0, -1);
            emit(headers, 0, headers.length);
        } else {
            replaced++;
            byte[] marker = (new String(HEADER_VERSION, StandardCharsets.US_ASCII) + UNREADABLE + ": "
                    + Base64.getEncoder().encodeToString(headers) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            emit(hmsgLine(hmsg, marker.length, hmsgTotal - headers.length + marker.length), 0, -1);
            emit(marker, 0, marker.length);
        }
        hmsg = null;
        headers = null;
        mode = bodyLeft > 0 ? Mode.BODY : Mode.LINE;
    }

    /** jnats's own parser decides: what it cannot read would kill its reader thread. */
    static boolean readable(byte[] block) {
        try {
            new IncomingHeadersProcessor(block);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The HMSG protocol line {@code args} with its header and total byte counts set anew. */
    private static byte[] hmsgLine(String[] args, long headerBytes, long totalBytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < args.length - 2; i++) {
            text.append(args[i]).append(' ');
        }
        return text.append(headerBytes).append(' ').append(totalBytes).append("\r\n").toString()
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private void emit(byte[] bytes, int offset, int length) {
        int n = length < 0 ? bytes.length : length;
        if (outEnd + n > out.length) {
            int live = outEnd - outStart;
            byte[] next = live + n > out.length ? new byte[Math.max(out.length * 2, live + n)] : out;
            System.arraycopy(out, outStart, next, 0, live);
            out = next;
            outStart = 0;
            outEnd = live;
        }
        System.arraycopy(bytes, offset, out, outEnd, n);
        outEnd += n;
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
