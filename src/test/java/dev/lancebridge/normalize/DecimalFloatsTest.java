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
        float actual = DecimalFloats.parse(padded, 1, text.length());
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), text + ": " + expected + " vs " + actual);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "0.0", "-0.0", "1", "-1", "123", "0.5", "-1.25", "3e-8", "1E5", "1e+5", "-1.5e+3", "1e-45", "1e-38",
        "3.4028235e38", "3.4028236e38", "1e39", "1e50", "-1e50", "0.000001", "123456789012345678", "1234567890123456789012",
        "0.1000000000000000055511151231257827", "16777217", "16777216.5", "1.00000005960464477539", "0.30000001192092896",
        "7.006492321624085e-46", "1.401298464324817e-45", "9999999999", "1e22", "1e23", "1e-22", "1e-23", "00.5"})
    void matchesTheJdk(String text) {
        assertSame(text);
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
