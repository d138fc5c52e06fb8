package dev.lancebridge.store;

/** A stored table its declaration cannot be applied to without losing or mixing data; start-up stops. */
public class IncompatibleTableException extends StoreException {

    public IncompatibleTableException(String message) {
        super(message, null);
    }
}
