package dev.lancebridge.normalize;

/**
 * Decimal text to the nearest float, as {@link Float#parseFloat} gives it, faster for the short
 * numbers vectors are written in: the digits go into a long, one multiplication or division by an
 * exact power of ten gives a double within three of its ulps of the value, and rounding that to
 * float is right unless the value lies that close to the midpoint between two floats. Then, and
 * for anything unusual (over 18 digits, a large exponent, a tiny or huge value), it asks
 * {@link Float#parseFloat}.
 */
final class DecimalFloats {

    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double power = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = power; // exact up to 1e22
            power *= 10;
        }
    }

    private DecimalFloats() {
    }

    /** The float nearest to the JSON number in the UTF-8 (ASCII) bytes {@code chars[offset, offset + length)}. */
    static float parse(byte[] chars, int offset, int length) {
        int end = offset + length;
        int at = offset;
        boolean negative = at < end && chars[at] == '-';
        if (negative) {
            at++;
        }
        long digits = 0;
        int significant = 0;
        int exponent = 0;
        int start = at;
        for (; at < end && isDigit(chars[at]); at++) {
            if (digits != 0 || chars[at] != '0') {
                digits = digits * 10 + (chars[at] - '0');
                significant++;
            }
        }
        boolean anyDigit = at > start;
        if (at < end && chars[at] == '.') {
            int fraction = ++at;
            for (; at < end && isDigit(chars[at]); at++) {
                if (digits != 0 || chars[at] != '0') {
                    digits = digits * 10 + (chars[at] - '0');
                    significant++;
                }
                exponent--;
            }
            anyDigit |= at > fraction;
        }
        if (at < end && (chars[at] == 'e' || chars[at] == 'E')) {
            at++;
            boolean negativeExponent = at < end && chars[at] == '-';
            if (at < end && (chars[at] == '-' || chars[at] == '+')) {
                at++;
            }
            int written = 0;
            int exponentStart = at;
            for (; at < end && isDigit(chars[at]) && at - exponentStart < 4; at++) {
                written = written * 10 + (chars[at] - '0');
            }
            if (at == exponentStart) {
                return slow(chars, offset, length);
            }
            exponent += negativeExponent ? -written : written;
        }
        if (at != end || !anyDigit || significant > 18) { // 18 digits fit a long
            return slow(chars, offset, length);
        }
        if (digits == 0) {
            return negative ? -0f : 0f;
        }
        if (exponent < -POWERS_OF_TEN.length + 1 || exponent > POWERS_OF_TEN.length - 1) {
            return slow(chars, offset, length);
        }
        double value = exponent >= 0 ? (double) digits * POWERS_OF_TEN[exponent] : (double) digits / POWERS_OF_TEN[-exponent];
        if (value < 1e-30 || value > 1e30) {
            return slow(chars, offset, length); // subnormal or beyond float range: the slow path knows
        }
        float nearest = (float) value;
        float neighbour = value > nearest ? Math.nextUp(nearest) : Math.nextDown(nearest);
        double midpoint = ((double) nearest + neighbour) / 2;
        if (Math.abs(value - midpoint) <= 4 * Math.ulp(value)) {
            return slow(chars, offset, length); // too close to call from an approximation
        }
        return negative ? -nearest : nearest;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static float slow(byte[] chars, int offset, int length) {
        return Float.parseFloat(new String(chars, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
