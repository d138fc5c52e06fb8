package dev.lancebridge.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a table's payloads are ({@code bridge.tables.<t>.format}). */
public enum TableFormat {
    /** A JSON object that is the row; the newest stream sequence of an id wins. */
    JSON("json"),
    /**
     * A Debezium change event (with or without its {@code schema} part): the row image is
     * {@code after}, or {@code before} for a delete, and the newest source position wins.
     */
    DEBEZIUM("debezium");

    private final String declared;

    TableFormat(String declared) {
        this.declared = declared;
    }

    public String declared() {
        return declared;
    }

    public static TableFormat parse(String declared) {
        String wanted = declared.trim().toLowerCase();
        return Arrays.stream(values()).filter(format -> format.declared.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown format '" + declared + "'; one of "
                        + Arrays.stream(values()).map(TableFormat::declared).collect(Collectors.joining(", "))));
    }
}
