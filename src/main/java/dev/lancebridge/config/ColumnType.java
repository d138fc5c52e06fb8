package dev.lancebridge.config;

/** The types a declared column can have, by the name a declaration uses ({@code type=list<string>}). */
public enum ColumnType {
    STRING("string"),
    INT("int"),
    LONG("long"),
    DOUBLE("double"),
    BOOLEAN("boolean"),
    /** An ISO-8601 string with an offset ({@code 2026-12-02T10:15:30Z}) or epoch milliseconds; stored as UTC milliseconds. */
    TIMESTAMP("timestamp"),
    STRING_LIST("list<string>"),
    /** Any JSON value (an object, say), kept as its JSON text. */
    JSON("json");

    private final String declared;

    ColumnType(String declared) {
        this.declared = declared;
    }

    public String declared() {
        return declared;
    }

    /** The type a declaration names, or {@link IllegalArgumentException} listing the valid names. */
    public static ColumnType parse(String declared) {
        return DeclaredNames.find(values(), ColumnType::declared, declared.trim().toLowerCase().replace(" ", ""), "type", declared);
    }
}
