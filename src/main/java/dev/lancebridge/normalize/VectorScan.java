package dev.lancebridge.normalize;

/**
 * Finds a payload's top-level {@code vector} array in its bytes and reads its numbers straight
 * into a {@code float[]}: no JSON tokens, no char copies. A provided vector is hundreds of decimal
 * numbers, most of what an event costs to parse.
 *
 * <p>It only answers for the plain case, an array of exactly {@code dimension} finite JSON
 * numbers; for anything else (a string, null, a wrong count, a non-number, an escaped key, text
 * that is not JSON) it answers null and the streaming parser reads the payload as before, with
 * its precise reason for a rejection. The scan follows JSON's strings and nesting, so the key is
 * never matched inside a string or a nested object.
 */
final class VectorScan {

    /**
     * The array between the brackets at {@code open} and {@code close} held these numbers.
     *
     * @param open   index of its {@code [}
     * @param close  index of its {@code ]}
     */
    record Found(int open, int close, float[] values) {

        /** The payload with the array emptied to {@code []}: the rest for the streaming parser, at the same offsets up to it. */
        byte[] emptied(byte[] json) {
            byte[] rest = new byte[json.length - (close - open - 1)];
            System.arraycopy(json, 0, rest, 0, open + 1);
            System.arraycopy(json, close, rest, open + 1, json.length - close);
            return rest;
        }
    }

    private static final byte[] KEY = Normalizer.VECTOR.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private VectorScan() {
    }

    /** The first top-level {@code vector} array when it is exactly {@code dimension} finite numbers, else null. */
    static Found find(byte[] json, int dimension) {
        int depth = 0;
        for (int at = 0; at < json.length; at++) {
            byte b = json[at];
            if (b == '"') {
                int start = at + 1;
                at = closingQuote(json, start);
                if (at < 0) {
                    return null;
                }
                if (depth == 1 && isKey(json, start, at)) {
                    int colon = skipWhitespace(json, at + 1);
                    if (colon < json.length && json[colon] == ':') {
                        int open = skipWhitespace(json, colon + 1);
                        return open < json.length && json[open] == '[' ? numbers(json, open, dimension) : null;
                    }
                }
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return null;
    }

    private static Found numbers(byte[] json, int open, int dimension) {
        float[] values = new float[dimension];
        int count = 0;
        int at = skipWhitespace(json, open + 1);
        while (count < dimension) {
            long number = DecimalFloats.read(json, at);
            if (number == DecimalFloats.NOT_A_NUMBER || !Float.isFinite(DecimalFloats.value(number))) {
                return null;
            }
            values[count++] = DecimalFloats.value(number);
            at = skipWhitespace(json, DecimalFloats.end(number));
            if (at >= json.length) {
                return null;
            }
            if (json[at] == ']') {
                return count == dimension ? new Found(open, at, values) : null;
            }
            if (json[at] != ',') {
                return null;
            }
            at = skipWhitespace(json, at + 1);
        }
        return null; // more numbers than the dimension
    }

    /** Index of the quote that ends the string whose first byte is at {@code at}, or -1 when it never ends. */
    private static int closingQuote(byte[] json, int at) {
        for (; at < json.length; at++) {
            if (json[at] == '\\') {
                at++; // the escaped byte, whatever it is
            } else if (json[at] == '"') {
                return at;
            }
        }
        return -1;
    }

    private static boolean isKey(byte[] json, int start, int end) {
        return java.util.Arrays.equals(json, start, end, KEY, 0, KEY.length);
    }

    private static int skipWhitespace(byte[] json, int at) {
        while (at < json.length && (json[at] == ' ' || json[at] == '\n' || json[at] == '\r' || json[at] == '\t')) {
            at++;
        }
        return at;
    }
}
