package dev.muster.server;

/** A reason Muster cannot start, worded as one sentence a user can act on. */
public class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
