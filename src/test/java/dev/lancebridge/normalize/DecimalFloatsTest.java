package dev.lancebridge.normalize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bit for bit what {@link Float#parseFloat} gives, on the forms producers write and on values made to sit near a rounding midpoint. */
class DecimalFloatsTest {

    private static void assertSame(String text) {
        byte[] padded = ("[" + text + ",").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        float expected = Float.parseFloat(text);
        long read = DecimalFloats.read(padded, 1);
        assertEquals(text.length() + 1, DecimalFloats.end(read), text + " read to its end");
        float actual = DecimalFloats.value(read);
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), text + ": " + expected + " vs " + actual);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "0.0", "-0.0", "1", "-1", "123", "0.5", "-1.25", "3e-8", "1E5", "1e+5", "-1.5e+3", "1e-45", "1e-38",
        "3.4028235e38", "3.4028236e38", "1e39", "1e50", "-1e50", "0.000001", "123456789012345678", "1234567890123456789012",
        "0.1000000000000000055511151231257827", "16777217", "16777216.5", "1.00000005960464477539", "0.30000001192092896",
        "7.006492321624085e-46", "1.401298464324817e-45", "9999999999", "1e22", "1e23", "1e-22", "1e-23",
        "0.12345678", "-0.123456789", "12345678.12345678", "0.000000001234", "1.2345678E-4", "99999999.99999999e-3"})
    void matchesTheJdk(String text) {
        assertSame(text);
    }

    /** What JSON's grammar refuses is not a number here, however a JDK would read it. */
    @ParameterizedTest
    @ValueSource(strings = {"00.5", "01", "1.", ".5", "-", "+1", "1e", "1e+", "-e1", "NaN", "Infinity", "0x10", "1.e5", "--1", "", "]"})
    void refusesWhatJsonDoesNot(String text) {
        byte[] padded = ("[" + text + ",").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long read = DecimalFloats.read(padded, 1);
        // "01" and "00.5" are a number ("0") followed by more: the array's scan refuses what follows
        if (read != DecimalFloats.NOT_A_NUMBER) {
            assertEquals("0", text.substring(0, DecimalFloats.end(read) - 1), text);
        }
    }

    @Test
    void randomFloatsInEveryFormProducersWrite() {
        Random random = new Random(42);
        for (int i = 0; i < 300_000; i++) {
            float f = switch (i % 3) {
                case 0 -> (float) random.nextGaussian() * 0.1f;
                case 1 -> Float.intBitsToFloat(random.nextInt()); // any bits: subnormals, huge, tiny
                default -> (random.nextFloat() - 0.5f) * (float) Math.pow(10, random.nextInt(20) - 10);
            };
            if (!Float.isFinite(f)) {
                continue;
            }
            assertSame(Float.toString(f));                       // Java, Jackson: shortest float text
            assertSame(Double.toString(f));                      // JavaScript, Python: the double's text (up to 17 digits)
            assertSame(String.format("%.9g", f).trim());         // a fixed number of digits
            assertSame(new java.math.BigDecimal(f).toPlainString().length() > 60 ? "0" : new java.math.BigDecimal(f).toPlainString());
        }
    }

    /**
     * Digits few enough for a double to hold them exactly: midpoints written exactly (a tie, the
     * double on it), and midpoints cut to 15 or 16 digits (not a tie, yet the double may land on it).
     */
    @Test
    void midpointsInDigitsADoubleHoldsExactly() {
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) Math.scalb(1 + random.nextFloat(), random.nextInt(60) - 30);
            java.math.BigDecimal middle = new java.math.BigDecimal(f).add(new java.math.BigDecimal(Math.nextUp(f)))
                    .divide(java.math.BigDecimal.valueOf(2));
            String exact = middle.toPlainString();
            if (exact.replace(".", "").replaceFirst("^0+", "").length() <= 16) {
                assertSame(exact);
                assertSame("-" + exact);
            }
            assertSame(middle.round(new java.math.MathContext(15)).toString());
            assertSame(middle.round(new java.math.MathContext(16)).toString());
        }
    }

    /** Decimals halfway between two floats (and a hair either side), where a double approximation cannot decide alone. */
    @Test
    void midpointsBetweenFloats() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) random.nextGaussian();
            java.math.BigDecimal low = new java.math.BigDecimal(f);
            java.math.BigDecimal high = new java.math.BigDecimal(Math.nextUp(f));
            java.math.BigDecimal middle = low.add(high).divide(java.math.BigDecimal.valueOf(2));
            java.math.BigDecimal hair = java.math.BigDecimal.ONE.movePointLeft(20);
            for (java.math.BigDecimal value : new java.math.BigDecimal[] {middle, middle.add(hair), middle.subtract(hair)}) {
                String text = value.round(new java.math.MathContext(18)).toString();
                assertSame(text);
            }
        }
    }
}
