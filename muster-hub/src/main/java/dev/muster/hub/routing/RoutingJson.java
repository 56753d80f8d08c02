package dev.muster.hub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.routing.HubRouting;
import dev.muster.core.hub.routing.KafkaEndpoint;
import dev.muster.core.hub.routing.Route;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.core.hub.routing.RouteSource;
import dev.muster.core.hub.routing.WebhookEndpoint;
import dev.muster.hub.HubError;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hub's routing in the JSON shape of ARM's {@code RoutingProperties} (Muster's custom endpoint types under
 * {@code endpoints}): {@code {"endpoints":{"webhooks":[..],"kafka":[..]},"routes":[{"name","source","condition",
 * "endpointNames","isEnabled"}],"fallbackRoute":{..}}}. Written for reading, endpoint credentials (webhook headers,
 * Kafka producer properties) are masked; read back, a masked value means "keep what is stored".
 */
public final class RoutingJson {
    /** What a secret's value reads as; sent back unchanged, the stored value is kept. */
    public static final String MASK = "*****";

    private RoutingJson() {}

    /** The routing with every credential value masked. */
    public static ObjectNode write(HubRouting routing) {
        ObjectNode root = Json.object();
        ObjectNode endpoints = root.putObject("endpoints");
        ArrayNode webhooks = endpoints.putArray("webhooks");
        ArrayNode kafka = endpoints.putArray("kafka");
        for (RouteEndpoint e : routing.endpoints()) {
            if (e instanceof WebhookEndpoint w) {
                ObjectNode n = webhooks.addObject().put("name", w.name()).put("url", w.url().toString());
                n.set("headers", masked(w.headers()));
                n.put("maxAttempts", w.maxAttempts());
            } else if (e instanceof KafkaEndpoint k) {
                ObjectNode n = kafka.addObject().put("name", k.name()).put("bootstrapServers", k.bootstrapServers())
                        .put("topic", k.topic());
                n.set("producerProperties", masked(k.producerProperties()));
            }
        }
        ArrayNode routes = root.putArray("routes");
        routing.routes().forEach(r -> routes.add(route(r)));
        root.set("fallbackRoute", route(routing.fallback()));
        return root;
    }

    public static ObjectNode route(Route r) {
        ObjectNode n = Json.object().put("name", r.name()).put("source", r.source().wireName())
                .put("condition", r.condition());
        ArrayNode names = n.putArray("endpointNames");
        r.endpointNames().forEach(names::add);
        n.put("isEnabled", r.enabled());
        return n;
    }

    /**
     * Reads a routing a client sent; masked credential values are taken from {@code current} (the stored routing)
     * for the endpoint of the same name and type. @throws HubError ArgumentInvalid for a malformed document
     */
    public static HubRouting read(JsonNode root, HubRouting current) {
        if (root == null || !root.isObject()) {
            throw HubError.argumentInvalid("The routing must be a JSON object.");
        }
        List<RouteEndpoint> endpoints = new ArrayList<>();
        JsonNode e = root.path("endpoints");
        for (JsonNode w : array(e, "webhooks")) {
            String name = text(w, "name", true);
            Map<String, String> kept = current.endpoint(name).filter(WebhookEndpoint.class::isInstance)
                    .map(x -> ((WebhookEndpoint) x).headers()).orElse(Map.of());
            endpoints.add(new WebhookEndpoint(name, uri(text(w, "url", true)),
                    unmasked(strings(w, "headers"), kept),
                    w.path("maxAttempts").asInt(WebhookEndpoint.DEFAULT_MAX_ATTEMPTS)));
        }
        for (JsonNode k : array(e, "kafka")) {
            String name = text(k, "name", true);
            Map<String, String> kept = current.endpoint(name).filter(KafkaEndpoint.class::isInstance)
                    .map(x -> ((KafkaEndpoint) x).producerProperties()).orElse(Map.of());
            endpoints.add(new KafkaEndpoint(name, text(k, "bootstrapServers", true), text(k, "topic", true),
                    unmasked(strings(k, "producerProperties"), kept)));
        }
        List<Route> routes = new ArrayList<>();
        for (JsonNode r : array(root, "routes")) {
            routes.add(readRoute(r));
        }
        JsonNode fallback = root.get("fallbackRoute");
        return new HubRouting(endpoints, routes, fallback == null || fallback.isNull() ? null : readRoute(fallback));
    }

    /** One route in ARM's {@code RouteProperties} shape. */
    public static Route readRoute(JsonNode r) {
        if (r == null || !r.isObject()) {
            throw HubError.argumentInvalid("A route must be a JSON object.");
        }
        String name = text(r, "name", true);
        String sourceName = text(r, "source", false);
        RouteSource source = sourceName == null ? RouteSource.DEVICE_MESSAGES : RouteSource.named(sourceName)
                .orElseThrow(() -> HubError.argumentInvalid("Route '" + name + "' has an unknown source '"
                        + sourceName + "'; one of DeviceMessages, TwinChangeEvents, DeviceLifecycleEvents,"
                        + " DeviceConnectionStateEvents."));
        List<String> endpointNames = new ArrayList<>();
        for (JsonNode n : array(r, "endpointNames")) {
            if (!n.isTextual()) {
                throw HubError.argumentInvalid("Route '" + name + "': endpointNames must be strings.");
            }
            endpointNames.add(n.textValue());
        }
        JsonNode enabled = r.get("isEnabled");
        if (enabled != null && !enabled.isBoolean()) {
            throw HubError.argumentInvalid("Route '" + name + "': isEnabled must be true or false.");
        }
        return new Route(name, source, text(r, "condition", false), endpointNames,
                enabled == null || enabled.booleanValue());
    }

    private static ObjectNode masked(Map<String, String> values) {
        ObjectNode n = Json.object();
        values.keySet().forEach(k -> n.put(k, MASK));
        return n;
    }

    private static Map<String, String> unmasked(Map<String, String> sent, Map<String, String> stored) {
        Map<String, String> out = new LinkedHashMap<>();
        sent.forEach((k, v) -> {
            if (v.equals(MASK)) {
                String kept = stored.get(k);
                if (kept == null) {
                    throw HubError.argumentInvalid("'" + k + "' is masked but the endpoint has no stored value for"
                            + " it; send the value.");
                }
                out.put(k, kept);
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Iterable<JsonNode> array(JsonNode parent, String field) {
        JsonNode a = parent.get(field);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw HubError.argumentInvalid("'" + field + "' must be an array.");
        }
        return a;
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw HubError.argumentInvalid("'" + field + "' is required.");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw HubError.argumentInvalid("'" + field + "' must be a string.");
        }
        return v.textValue();
    }

    /** An object of string values (numbers and booleans are taken as their text). */
    public static Map<String, String> strings(JsonNode n, String field) {
        JsonNode o = n.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (o == null || o.isNull()) {
            return out;
        }
        if (!o.isObject()) {
            throw HubError.argumentInvalid("'" + field + "' must be an object of strings.");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isValueNode() || f.getValue().isNull()) {
                throw HubError.argumentInvalid("'" + field + "." + f.getKey() + "' must be a string.");
            }
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw HubError.argumentInvalid("'" + text + "' is not a URL: " + e.getReason() + ".");
        }
    }
}
