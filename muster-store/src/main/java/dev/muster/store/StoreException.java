package dev.muster.store;

/** A storage failure worded for the operator: the message alone should tell them what to fix. */
public final class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
