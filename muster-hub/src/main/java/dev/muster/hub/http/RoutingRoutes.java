package dev.muster.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.Route;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.core.hub.routing.RouteSource;
import dev.muster.core.hub.routing.StoredRouting;
import dev.muster.hub.HubError;
import dev.muster.hub.routing.RouteMatch;
import dev.muster.hub.routing.RoutingJson;
import dev.muster.hub.routing.RoutingService;
import dev.muster.hub.routing.TestMessage;
import dev.muster.transport.Exchange;
import java.util.List;
import java.util.Map;

/**
 * Muster's message-routing API on the hub host (Azure manages routes through ARM; the bodies mirror ARM's):
 * {@code GET /routing} (credentials masked, {@code ETag}), {@code PUT /routing} (whole, under {@code If-Match}) and
 * {@code POST /routing/test}: with a {@code route}, whether that route takes the message (ARM's "test new route"),
 * else which of the hub's routes take it (ARM's "test all routes").
 */
final class RoutingRoutes {
    private final RoutingService routing;

    RoutingRoutes(RoutingService routing) {
        this.routing = routing;
    }

    /** @return false when the request is not one of these routes */
    boolean route(Exchange ex, String hub, RegistryRoutes.Runner runner) {
        List<String> s = ex.segments();
        String method = HubHttpApi.methodOf(ex);
        if (s.size() == 1 && s.get(0).equals("routing") && method.equals("GET")) {
            runner.run(() -> routing.routing(hub), v -> send(ex, 200, (StoredRouting) v));
        } else if (s.size() == 1 && s.get(0).equals("routing") && method.equals("PUT")) {
            JsonNode body = Json.tree(HubHttpApi.nonEmpty(ex));
            String ifMatch = ex.header("If-Match");
            runner.run(() -> routing.replace(hub, RoutingJson.read(body, routing.routing(hub).routing()), ifMatch),
                    v -> send(ex, 200, (StoredRouting) v));
        } else if (s.size() == 2 && s.get(0).equals("routing") && s.get(1).equals("test") && method.equals("POST")) {
            JsonNode body = Json.tree(HubHttpApi.nonEmpty(ex));
            runner.run(() -> test(hub, body), v -> ex.json(200, v));
        } else {
            return false;
        }
        return true;
    }

    private static void send(Exchange ex, int status, StoredRouting stored) {
        ObjectNode body = RoutingJson.write(stored.routing());
        body.put("etag", stored.etag());
        ex.json(status, body, Map.of("ETag", "\"" + stored.etag() + "\""));
    }

    private Object test(String hub, JsonNode body) {
        JsonNode routeJson = body.get("route");
        if (routeJson != null && !routeJson.isNull()) {
            Route route = RoutingJson.readRoute(routeJson);
            EventContent message = TestMessage.of(body.get("message"), route.source());
            return Map.of("result", Boolean.toString(routing.test(route, message)));
        }
        String sourceName = body.path("routingSource").asText(RouteSource.DEVICE_MESSAGES.wireName());
        RouteSource source = RouteSource.named(sourceName).orElseThrow(() ->
                HubError.argumentInvalid("Unknown routingSource '" + sourceName + "'."));
        RouteMatch match = routing.test(hub, TestMessage.of(body.get("message"), source));
        ObjectNode out = Json.object();
        ArrayNode routes = out.putArray("routes");
        match.matched().forEach(r -> routes.addObject().set("properties", RoutingJson.route(r)));
        out.put("fallbackRoute", match.fallback());
        out.put("builtInEvents", match.decision().builtInEvents());
        ArrayNode endpoints = out.putArray("endpoints");
        if (match.decision().builtInEvents()) {
            endpoints.add(RouteEndpoint.BUILT_IN_EVENTS);
        }
        match.decision().customEndpoints().forEach(e -> endpoints.add(e.name()));
        return out;
    }
}
