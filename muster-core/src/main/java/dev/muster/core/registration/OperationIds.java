package dev.muster.core.registration;

import java.util.Locale;
import java.util.UUID;

/**
 * Operation IDs in Azure's shape {@code <digit>.<16 hex>.<guid>}; the hex part carries the creation time so any
 * node can tell a recent in-flight operation from an unknown one without shared memory. URL- and topic-safe.
 */
public final class OperationIds {
    private OperationIds() {}

    public static String next(long epochMillis) {
        return "5." + String.format(Locale.ROOT, "%016x", epochMillis) + "." + UUID.randomUUID();
    }

    /** Creation time in epoch millis, or -1 if the ID is not one of ours. */
    public static long createdAt(String operationId) {
        String[] parts = operationId.split("\\.");
        if (parts.length != 3 || parts[1].length() != 16) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(parts[1], 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
