package dev.muster.hub.http;

import dev.muster.core.hub.events.ConsumerGroup;
import dev.muster.hub.telemetry.ConsumerGroups;
import dev.muster.transport.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Muster's service API for the consumer groups of a hub's built-in events endpoint, on the hub host, in the path
 * shape of Azure's ARM API (which is where Azure manages them): {@code GET /eventHubEndpoints/events/ConsumerGroups},
 * {@code PUT}, {@code GET} and {@code DELETE /eventHubEndpoints/events/ConsumerGroups/{name}}. Bodies as ARM's
 * {@code EventHubConsumerGroupInfo}: {@code {"id":…,"name":…,"type":…,"properties":{"created":…}}}, a list as
 * {@code {"value":[…]}}. Authorized like the rest of the hub API (its iothubowner policy).
 */
final class ConsumerGroupRoutes {
    private static final String PREFIX = "/eventHubEndpoints/events/ConsumerGroups";
    private static final String TYPE = "Microsoft.Devices/IotHubs/EventHubEndpoints/ConsumerGroups";

    private final ConsumerGroups groups;

    ConsumerGroupRoutes(ConsumerGroups groups) {
        this.groups = groups;
    }

    static boolean handles(List<String> s) {
        return (s.size() == 3 || s.size() == 4) && s.get(0).equals("eventHubEndpoints") && s.get(1).equals("events")
                && s.get(2).equals("ConsumerGroups");
    }

    /** @return false for a method these paths do not take */
    boolean route(Exchange ex, String hub, String method, RegistryRoutes.Runner runner) {
        List<String> s = ex.segments();
        if (s.size() == 3 && method.equals("GET")) {
            runner.run(() -> Map.of("value", groups.list(hub).stream().map(ConsumerGroupRoutes::json).toList()),
                    v -> ex.json(200, v));
        } else if (s.size() == 4 && method.equals("GET")) {
            runner.run(() -> json(groups.get(hub, s.get(3))), v -> ex.json(200, v));
        } else if (s.size() == 4 && method.equals("PUT")) {
            runner.run(() -> json(groups.add(hub, s.get(3))), v -> ex.json(200, v));
        } else if (s.size() == 4 && method.equals("DELETE")) {
            runner.run(() -> {
                groups.remove(hub, s.get(3));
                return Boolean.TRUE;
            }, v -> ex.empty(200));
        } else {
            return false;
        }
        return true;
    }

    private static Map<String, Object> json(ConsumerGroup g) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("created", g.createdAt() == null ? null : g.createdAt().toString());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", PREFIX + "/" + g.name());
        o.put("name", g.name());
        o.put("type", TYPE);
        o.put("properties", properties);
        return o;
    }
}
