package dev.muster.hub.routing;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.core.hub.routing.HubRouting;
import dev.muster.core.hub.routing.Route;
import dev.muster.core.hub.routing.RouteDecision;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.core.hub.routing.RouteSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One hub's routing compiled for the ingest path: enabled routes grouped by source with their conditions parsed.
 * IoT Hub's semantics: a message goes to every endpoint of every matching route, once per endpoint; device messages
 * that match no route take the fallback route when it is enabled; other sources' messages go only where routes send
 * them.
 */
final class RoutingTable {
    private record CompiledRoute(Route route, RouteCondition condition) {}

    private static final RouteDecision NOWHERE = new RouteDecision(false, List.of());

    private final HubRouting routing;
    private final Map<RouteSource, List<CompiledRoute>> bySource = new EnumMap<>(RouteSource.class);
    private final RouteCondition fallbackCondition;

    /** @throws dev.muster.hub.query.QuerySyntaxError when a stored condition does not parse (saves validate first) */
    RoutingTable(HubRouting routing) {
        this.routing = routing;
        for (Route r : routing.routes()) {
            if (r.enabled()) {
                bySource.computeIfAbsent(r.source(), s -> new ArrayList<>())
                        .add(new CompiledRoute(r, RouteCondition.parse(r.condition())));
            }
        }
        fallbackCondition = RouteCondition.parse(routing.fallback().condition());
    }

    boolean takes(RouteSource source) {
        return bySource.containsKey(source);
    }

    HubRouting routing() {
        return routing;
    }

    /** The source a message came from, by its {@code iothub-message-source} (device messages when it has none). */
    static RouteSource sourceOf(EventContent content) {
        return RouteSource.ofMessage(content.systemProperty(SystemProperties.MESSAGE_SOURCE))
                .orElse(RouteSource.DEVICE_MESSAGES);
    }

    RouteMatch evaluate(EventContent content) {
        RouteSource source = sourceOf(content);
        RoutedMessage message = new RoutedMessage(content);
        List<Route> matched = new ArrayList<>();
        Set<String> endpoints = new LinkedHashSet<>();
        for (CompiledRoute r : bySource.getOrDefault(source, List.of())) {
            if (r.condition().matches(message)) {
                matched.add(r.route());
                endpoints.addAll(r.route().endpointNames());
            }
        }
        boolean fallback = matched.isEmpty() && source == RouteSource.DEVICE_MESSAGES
                && routing.fallback().enabled() && fallbackCondition.matches(message);
        if (fallback) {
            endpoints.addAll(routing.fallback().endpointNames());
        }
        return new RouteMatch(matched, fallback, decision(endpoints));
    }

    private RouteDecision decision(Set<String> endpointNames) {
        if (endpointNames.isEmpty()) {
            return NOWHERE;
        }
        boolean builtIn = false;
        List<RouteEndpoint> custom = new ArrayList<>();
        for (String name : endpointNames) {
            if (name.equals(RouteEndpoint.BUILT_IN_EVENTS)) {
                builtIn = true;
            } else {
                routing.endpoint(name).ifPresent(custom::add);
            }
        }
        return custom.isEmpty() && builtIn ? RouteDecision.BUILT_IN_ONLY : new RouteDecision(builtIn, custom);
    }
}
