package dev.muster.cli;

/** A mistake in what the user asked for; the message says how to fix it. Exit code 2. */
public class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message);
    }
}
