package dev.muster.hub.routing;

import dev.muster.core.hub.routing.HubRouting;
import dev.muster.core.hub.routing.KafkaEndpoint;
import dev.muster.core.hub.routing.Route;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.core.hub.routing.RouteSource;
import dev.muster.core.hub.routing.WebhookEndpoint;
import dev.muster.hub.HubError;
import dev.muster.hub.query.QuerySyntaxError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a routing IoT Hub would refuse, before it is saved: ARM's name rules and limits, routes naming endpoints
 * that do not exist, and conditions that do not parse (with the route's name and the position).
 */
final class RoutingValidator {
    static final int MAX_ROUTES = 100;
    static final int MAX_ENDPOINTS_PER_TYPE = 10;
    /** Endpoint names IoT Hub keeps for itself. */
    private static final Set<String> RESERVED = Set.of("events", "operationsmonitoringevents", "filenotifications",
            "$default");

    private RoutingValidator() {}

    static void validate(HubRouting routing) {
        Set<String> endpointNames = new HashSet<>();
        int webhooks = 0;
        int kafka = 0;
        for (RouteEndpoint e : routing.endpoints()) {
            checkName("endpoint", e.name());
            if (RESERVED.contains(e.name().toLowerCase(Locale.ROOT))) {
                throw HubError.argumentInvalid("The endpoint name '" + e.name() + "' is reserved.");
            }
            if (!endpointNames.add(e.name().toLowerCase(Locale.ROOT))) {
                throw HubError.argumentInvalid("The endpoint name '" + e.name() + "' is used twice.");
            }
            if (e instanceof WebhookEndpoint w) {
                webhooks++;
                checkWebhook(w);
            } else if (e instanceof KafkaEndpoint k) {
                kafka++;
                checkKafka(k);
            }
        }
        if (webhooks > MAX_ENDPOINTS_PER_TYPE || kafka > MAX_ENDPOINTS_PER_TYPE) {
            throw HubError.argumentInvalid("A hub has at most " + MAX_ENDPOINTS_PER_TYPE
                    + " custom endpoints of each type.");
        }
        if (routing.routes().size() > MAX_ROUTES) {
            throw HubError.argumentInvalid("A hub has at most " + MAX_ROUTES + " routes.");
        }
        Set<String> routeNames = new HashSet<>();
        for (Route r : routing.routes()) {
            checkName("route", r.name());
            if (!routeNames.add(r.name().toLowerCase(Locale.ROOT))) {
                throw HubError.argumentInvalid("The route name '" + r.name() + "' is used twice.");
            }
            checkRoute(r, routing);
        }
        Route fallback = routing.fallback();
        if (fallback.source() != RouteSource.DEVICE_MESSAGES) {
            throw HubError.argumentInvalid("The fallback route's source must be DeviceMessages.");
        }
        checkRoute(fallback, routing);
    }

    private static void checkName(String what, String name) {
        if (name == null || !name.matches(Route.NAME_PATTERN)) {
            throw HubError.argumentInvalid("The " + what + " name '" + name + "' is invalid: 1 to 64 letters, digits,"
                    + " '-', '.' or '_'.");
        }
    }

    private static void checkRoute(Route r, HubRouting routing) {
        List<String> names = r.endpointNames();
        if (names.size() != 1) {
            throw HubError.argumentInvalid("Route '" + r.name() + "' must name exactly one endpoint, not "
                    + names.size() + ".");
        }
        String endpoint = names.get(0);
        if (!endpoint.equals(RouteEndpoint.BUILT_IN_EVENTS) && routing.endpoint(endpoint).isEmpty()) {
            throw HubError.argumentInvalid("Route '" + r.name() + "' names endpoint '" + endpoint
                    + "', which the hub does not have.");
        }
        condition(r);
    }

    /** The route's condition parsed; one that does not parse is ArgumentInvalid naming the route and position. */
    static RouteCondition condition(Route r) {
        try {
            return RouteCondition.parse(r.condition());
        } catch (QuerySyntaxError e) {
            throw HubError.argumentInvalid("The condition of route '" + r.name() + "' is invalid at position "
                    + e.position() + ": " + e.getMessage().replaceFirst("^.*?position \\d+: ", ""));
        }
    }

    private static void checkWebhook(WebhookEndpoint w) {
        String scheme = w.url() == null ? null : w.url().getScheme();
        if (scheme == null || w.url().getHost() == null) {
            throw HubError.argumentInvalid("Webhook endpoint '" + w.name() + "' needs an absolute URL.");
        }
        if (!scheme.equalsIgnoreCase("https") && !(scheme.equalsIgnoreCase("http") && loopback(w.url().getHost()))) {
            throw HubError.argumentInvalid("Webhook endpoint '" + w.name() + "' must use https (http only on a"
                    + " loopback address).");
        }
        if (w.maxAttempts() < 1) {
            throw HubError.argumentInvalid("Webhook endpoint '" + w.name() + "' needs maxAttempts of 1 or more.");
        }
    }

    private static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void checkKafka(KafkaEndpoint k) {
        if (k.bootstrapServers() == null || k.bootstrapServers().isBlank() || k.topic() == null
                || k.topic().isBlank()) {
            throw HubError.argumentInvalid("Kafka endpoint '" + k.name() + "' needs bootstrapServers and a topic.");
        }
    }
}
