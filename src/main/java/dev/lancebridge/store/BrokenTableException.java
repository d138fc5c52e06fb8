package dev.lancebridge.store;

/** The table could not be opened at start-up (e.g. an unreadable latest manifest): the other tables go on without it. */
public class BrokenTableException extends RuntimeException {

    public BrokenTableException(String table, String reason) {
        super("table '" + table + "' could not be opened and is out of service: " + reason
                + "; roll it back to its previous version (see the README's Operations) and restart");
    }
}
