package dev.muster.core.hub.routing;

import java.util.List;
import java.util.Objects;

/**
 * One of a hub's routes, as ARM's {@code RouteProperties}: messages of {@code source} for which {@code condition}
 * (IoT Hub's routing query language; {@code true} for all) holds go to the named endpoints ({@code events} being the
 * built-in one). Names are unique per hub.
 */
public record Route(String name, RouteSource source, String condition, List<String> endpointNames, boolean enabled) {
    /** ARM's rule for route names. */
    public static final String NAME_PATTERN = "[A-Za-z0-9\\-._]{1,64}";

    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        condition = condition == null || condition.isBlank() ? "true" : condition;
        endpointNames = List.copyOf(endpointNames);
    }
}
