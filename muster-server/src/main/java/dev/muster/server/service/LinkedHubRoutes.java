package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.LinkedHubService;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.sas.ConnectionString;
import dev.muster.server.hub.HubHealthProbe;
import dev.muster.transport.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /linkedHubs}: Muster's stand-in for Azure's control-plane hub linking. Links are made with the hub's
 * connection string, which is checked against the hub before it is saved; keys are never returned.
 */
final class LinkedHubRoutes {
    private static final AccessRight RIGHT = AccessRight.ServiceConfig;

    private final ServiceCalls calls;
    private final LinkedHubService links;
    private final HubHealthProbe health;

    LinkedHubRoutes(ServiceCalls calls, LinkedHubService links, HubHealthProbe health) {
        this.calls = calls;
        this.links = links;
        this.health = health;
    }

    void list(Exchange ex) {
        calls.call(ex, RIGHT, this::linked, v -> ex.json(200, v));
    }

    void get(Exchange ex, String hub) {
        calls.call(ex, RIGHT, i -> linked(i, hub), v -> ex.json(200, v));
    }

    void put(Exchange ex, String hub) {
        String body = ex.body();
        boolean force = "true".equalsIgnoreCase(ex.query("force"));
        calls.call(ex, RIGHT, i -> link(i, hub, body, force), v -> ex.json(200, v));
    }

    void delete(Exchange ex, String hub) {
        calls.call(ex, RIGHT, i -> {
            links.unlink(i.name(), hub);
            return Boolean.TRUE;
        }, v -> ex.empty(204));
    }

    private List<Map<String, Object>> linked(ProvisioningInstance instance) {
        return links.list(instance.name()).stream().map(h -> view(h, true)).toList();
    }

    private Map<String, Object> linked(ProvisioningInstance instance, String host) {
        return view(links.find(instance.name(), host).orElseThrow(() ->
                ProvisioningException.notFound(404204, "Hub " + host + " is not linked to this instance.")), true);
    }

    private Map<String, Object> link(ProvisioningInstance instance, String host, String body, boolean force) {
        JsonNode req = Json.tree(body == null || body.isBlank() ? "{}" : body);
        if (!req.isObject()) {
            throw ProvisioningException.badRequest("The body must be {\"connectionString\":…,\"allocationWeight\":…}.");
        }
        Integer weight = req.hasNonNull("allocationWeight") ? intField(req, "allocationWeight") : null;
        Boolean apply = req.hasNonNull("applyAllocationPolicy") ? req.get("applyAllocationPolicy").asBoolean() : null;
        if (!req.hasNonNull("connectionString")) {
            return view(links.update(instance.name(), host, weight, apply), false);
        }
        LinkedHub requested = links.validate(host, req.get("connectionString").asText(), weight, apply);
        if (!force) {
            HubHealthProbe.Health h = health.probe(requested);
            if (!h.healthy()) {
                throw ProvisioningException.badRequest("Hub " + requested.hostName() + " cannot be linked: " + h.status()
                        + " (" + h.error() + "). Fix the connection string or retry with force=true.");
            }
        }
        return view(links.save(instance.name(), requested), true);
    }

    private Map<String, Object> view(LinkedHub hub, boolean withHealth) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostName", hub.hostName());
        m.put("keyName", ConnectionString.parse(hub.connectionString()).keyName());
        m.put("allocationWeight", hub.allocationWeight());
        m.put("applyAllocationPolicy", hub.applyAllocationPolicy());
        if (withHealth) {
            m.put("health", health.probeJson(hub));
        }
        return m;
    }

    private static Integer intField(JsonNode req, String name) {
        JsonNode n = req.get(name);
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw ProvisioningException.badRequest(name + " must be a whole number.");
        }
        return n.asInt();
    }
}
