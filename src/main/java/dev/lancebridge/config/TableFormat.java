package dev.lancebridge.config;

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
        return DeclaredNames.find(values(), TableFormat::declared, declared.trim().toLowerCase(), "format", declared);
    }
}
