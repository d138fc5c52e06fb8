package dev.lancebridge.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lancebridge.config.ColumnType;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A payload value as the Java value of a column type: String, Integer, Long, Double, Boolean,
 * Long epoch milliseconds (timestamp), List of String, or JSON text. Strict: a value of another
 * JSON type is not converted but {@link Invalid}, so a producer's mistake is dead-lettered instead
 * of stored as something it did not mean.
 */
final class ColumnValues {

    /** A value the type cannot hold, and what it should have been. */
    record Invalid(String expected) {
    }

    private ColumnValues() {
    }

    /** {@code value} (neither missing nor null) as {@code type}'s Java value, or {@link Invalid}. */
    static Object read(ColumnType type, JsonNode value) {
        return switch (type) {
            case STRING -> value.isTextual() ? value.asText() : new Invalid("a string");
            case INT -> value.isIntegralNumber() && value.canConvertToInt() ? (Object) value.intValue()
                    : new Invalid("an integer within 32 bits");
            case LONG -> value.isIntegralNumber() && value.canConvertToLong() ? (Object) value.longValue()
                    : new Invalid("an integer within 64 bits");
            case DOUBLE -> value.isNumber() ? (Object) value.doubleValue() : new Invalid("a number");
            case BOOLEAN -> value.isBoolean() ? (Object) value.booleanValue() : new Invalid("true or false");
            case TIMESTAMP -> timestamp(value);
            case STRING_LIST -> strings(value);
            case JSON -> value.toString();
        };
    }

    private static Object timestamp(JsonNode value) {
        Invalid invalid = new Invalid("an ISO-8601 time with an offset (2026-12-02T10:15:30Z) or epoch milliseconds");
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (!value.isTextual()) {
            return invalid;
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return invalid;
        }
    }

    private static Object strings(JsonNode value) {
        if (!value.isArray()) {
            return new Invalid("an array of strings");
        }
        List<String> strings = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                return new Invalid("an array of strings");
            }
            strings.add(element.asText());
        }
        return strings;
    }
}
