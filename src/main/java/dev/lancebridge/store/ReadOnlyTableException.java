package dev.lancebridge.store;

/** A change asked of a search replica's table ({@code bridge.role=search}): only the table's writer changes it. */
public class ReadOnlyTableException extends RuntimeException {

    public ReadOnlyTableException(String table) {
        super("table '" + table + "' is served by a search replica (bridge.role=search), which never changes it:"
                + " send maintenance, tags and re-embeds to the writer");
    }
}
