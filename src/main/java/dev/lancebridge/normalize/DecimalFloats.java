package dev.lancebridge.normalize;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON number out of UTF-8 bytes as the float {@link Float#parseFloat} would give, in one
 * pass that also checks RFC 8259's grammar: a provided vector is hundreds of these per event.
 *
 * <p>The digits go into a long, eight fraction digits at a time when there are eight; one
 * multiplication or division by an exact power of ten gives a double, and rounding that double to
 * float is right unless it lies on (or, when the digits were too many for a double to hold
 * exactly, near) the midpoint between two floats. Then, and for anything unusual (over 18 digits,
 * a large exponent, a value outside the normal float range), it asks {@link Float#parseFloat}.
 */
final class DecimalFloats {

    /** What {@link #read} answers for bytes that are not a JSON number. */
    static final long NOT_A_NUMBER = -1L;

    private static final double[] POWERS_OF_TEN = new double[23];
    private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** The double's mantissa bits below a float's, and their pattern on a float midpoint (the half of a float ulp). */
    private static final long BELOW_FLOAT = (1L << 29) - 1;
    private static final long MIDPOINT = 1L << 28;
    /** Digits up to 2^53 are exact in a double, and so then is the one rounding of the product. */
    private static final long EXACT_IN_DOUBLE = 1L << 53;
    /** Doubles this close (in units of the last place) to a midpoint are left to the JDK when the digits were rounded. */
    private static final long ROUNDED_SLACK = 8;

    static {
        double power = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = power; // exact up to 1e22
            power *= 10;
        }
    }

    private DecimalFloats() {
    }

    /**
     * The JSON number that starts at {@code start}: its end (exclusive) in the high 32 bits, its
     * float's bits in the low 32 ({@link #end}, {@link #value}); {@link #NOT_A_NUMBER} when the
     * bytes there are not one. Packed so that reading a vector allocates nothing per number.
     */
    static long read(byte[] json, int start) {
        int n = json.length;
        int at = start;
        boolean negative = at < n && json[at] == '-';
        if (negative) {
            at++;
        }
        if (at >= n) {
            return NOT_A_NUMBER;
        }
        long digits = 0;
        int count = 0; // digits read into the long, leading zeros of a fraction included (a bound, for overflow)
        int exponent = 0;
        if (json[at] == '0') {
            at++;
        } else if (isDigit(json[at])) {
            for (; at < n && isDigit(json[at]); at++) {
                digits = digits * 10 + (json[at] - '0');
                count++;
            }
        } else {
            return NOT_A_NUMBER;
        }
        if (at < n && json[at] == '.') {
            int fraction = ++at;
            while (at + Long.BYTES <= n) {
                long eight = (long) EIGHT_BYTES.get(json, at);
                if (!eightDigits(eight)) {
                    break;
                }
                digits = digits * 100_000_000L + valueOfEight(eight);
                at += Long.BYTES;
            }
            for (; at < n && isDigit(json[at]); at++) {
                digits = digits * 10 + (json[at] - '0');
            }
            if (at == fraction) {
                return NOT_A_NUMBER;
            }
            count += at - fraction;
            exponent = fraction - at;
        }
        boolean hugeExponent = false;
        if (at < n && (json[at] == 'e' || json[at] == 'E')) {
            at++;
            boolean negativeExponent = at < n && json[at] == '-';
            if (at < n && (json[at] == '-' || json[at] == '+')) {
                at++;
            }
            int written = 0;
            int first = at;
            for (; at < n && isDigit(json[at]); at++) {
                hugeExponent |= at - first >= 4;
                written = written * 10 + (json[at] - '0');
            }
            if (at == first) {
                return NOT_A_NUMBER;
            }
            exponent += negativeExponent ? -written : written;
        }
        float value = count > 18 || hugeExponent ? slow(json, start, at) : nearest(digits, exponent, json, start, at);
        return (long) at << 32 | Float.floatToRawIntBits(negative ? -value : value) & 0xFFFF_FFFFL;
    }

    /** Where the number {@link #read} found ends. */
    static int end(long read) {
        return (int) (read >>> 32);
    }

    /** The float of the number {@link #read} found. */
    static float value(long read) {
        return Float.intBitsToFloat((int) read);
    }

    /** The float nearest to {@code digits × 10^exponent} (not negative); the bytes are the number's, for the slow path. */
    private static float nearest(long digits, int exponent, byte[] json, int start, int end) {
        if (digits == 0) {
            return 0f;
        }
        if (exponent < -POWERS_OF_TEN.length + 1 || exponent > POWERS_OF_TEN.length - 1) {
            return slow(json, start, end);
        }
        double value = exponent >= 0 ? (double) digits * POWERS_OF_TEN[exponent] : (double) digits / POWERS_OF_TEN[-exponent];
        if (value < Float.MIN_NORMAL || value > Float.MAX_VALUE) {
            return slow(json, start, end); // subnormal or beyond the float range: the JDK knows
        }
        long fromMidpoint = (Double.doubleToRawLongBits(value) & BELOW_FLOAT) - MIDPOINT;
        // exact digits: the double is the value correctly rounded, so only a double on the midpoint itself is in doubt
        long slack = digits <= EXACT_IN_DOUBLE ? 0 : ROUNDED_SLACK;
        if (Math.abs(fromMidpoint) <= slack) {
            return slow(json, start, end);
        }
        return (float) value;
    }

    /** All eight bytes are ASCII digits. */
    private static boolean eightDigits(long eight) {
        return ((eight & 0xF0F0F0F0F0F0F0F0L) | (((eight + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L) >>> 4)) == 0x3333333333333333L;
    }

    /** The number eight ASCII digits make, the first byte (the lowest, little-endian) the most significant. */
    private static long valueOfEight(long eight) {
        long pairs = eight - 0x3030303030303030L;
        pairs = pairs * 10 + (pairs >>> 8); // each byte pair's value in its low byte
        long quads = (pairs & 0x000000FF000000FFL) * (100 + (1_000_000L << 32))
                + ((pairs >>> 16) & 0x000000FF000000FFL) * (1 + (10_000L << 32));
        return quads >>> 32;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** The JDK's float of the number text, as a magnitude: the caller puts the sign back. */
    private static float slow(byte[] json, int start, int end) {
        return Math.abs(Float.parseFloat(new String(json, start, end - start, StandardCharsets.ISO_8859_1)));
    }
}
