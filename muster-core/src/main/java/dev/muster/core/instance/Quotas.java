package dev.muster.core.instance;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Per-instance limits, each off when null: device registrations a minute, service API operations a minute, and
 * the number of enrollments (individual enrollments plus enrollment groups). Exceeding one is answered 429.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Quotas(Integer registrationsPerMinute, Integer operationsPerMinute, Integer enrollments) {
    public static final Quotas NONE = new Quotas(null, null, null);

    public Quotas {
        requirePositive(registrationsPerMinute, "registrationsPerMinute");
        requirePositive(operationsPerMinute, "operationsPerMinute");
        requirePositive(enrollments, "enrollments");
    }

    private static void requirePositive(Integer value, String name) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException("quotas." + name + " must be a whole number of at least 1, or null for no limit.");
        }
    }
}
