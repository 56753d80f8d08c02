package dev.muster.core.hub.events;

import java.time.Instant;

/** A named view of a hub's event stream; {@code $Default} always exists and cannot be removed. */
public record ConsumerGroup(String name, Instant createdAt) {
    public static final String DEFAULT = "$Default";
}
