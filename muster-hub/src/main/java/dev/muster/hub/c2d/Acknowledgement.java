package dev.muster.hub.c2d;

import dev.muster.hub.HubError;
import java.util.Locale;

/**
 * The {@code iothub-ack} a sender asks for (DOC-C2D): which outcomes of its message come back as feedback. Azure's
 * documented values are none, positive, negative and full; the Java service client sends its enum's names
 * (positiveonly, negativeonly), so both spellings are read.
 */
public enum Acknowledgement {
    NONE(false, false), POSITIVE(true, false), NEGATIVE(false, true), FULL(true, true);

    private final boolean onSuccess;
    private final boolean onFailure;

    Acknowledgement(boolean onSuccess, boolean onFailure) {
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    /** @throws HubError 400 for a value Azure does not know */
    public static Acknowledgement parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "positive", "positiveonly" -> POSITIVE;
            case "negative", "negativeonly" -> NEGATIVE;
            case "full" -> FULL;
            default -> throw HubError.argumentInvalid("iothub-ack must be none, positive, negative or full, not '"
                    + value + "'.");
        };
    }

    /** Whether a completed message produces a Success record. */
    public boolean onSuccess() {
        return onSuccess;
    }

    /** Whether a dead-lettered (expired, rejected, undeliverable, purged) message produces a record. */
    public boolean onFailure() {
        return onFailure;
    }
}
