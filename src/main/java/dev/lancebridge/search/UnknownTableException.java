package dev.lancebridge.search;

/** The named table is not declared. */
public class UnknownTableException extends RuntimeException {

    public UnknownTableException(String table) {
        super("unknown table '" + table + "'");
    }
}
