package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.InstanceService;
import dev.muster.core.instance.PolicyService;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.Quotas;
import dev.muster.core.instance.ServiceAuthorizer;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.transport.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /instance}: the caller's instance and its settings (allocation policy, quotas); {@code /instances}: the
 * administrator's API, served on the default instance's host only and guarded by its ServiceConfig right.
 */
final class InstanceRoutes {
    private static final int HOST_ATTEMPTS = 3;
    private static final AccessRight RIGHT = AccessRight.ServiceConfig;

    private final ServiceCalls calls;
    private final InstanceService instances;
    private final InstanceHosts hosts;
    private final String globalEndpoint;
    private final String defaultInstance;

    InstanceRoutes(ServiceCalls calls, InstanceService instances, InstanceHosts hosts, String globalEndpoint,
                   String defaultInstance) {
        this.calls = calls;
        this.instances = instances;
        this.hosts = hosts;
        this.globalEndpoint = globalEndpoint;
        this.defaultInstance = defaultInstance;
    }

    // ---- /instance ---------------------------------------------------------------------------------------------

    void settings(Exchange ex) {
        calls.callAs(ex, (i, caller) -> settingsView(i, caller), v -> ex.json(200, v));
    }

    void updateSettings(Exchange ex) {
        JsonNode body = object(ServiceCalls.requireBody(ex));
        calls.callAs(ex, (i, caller) -> {
            ServiceAuthorizer.requireRight(caller, AccessRight.ServiceConfig);
            return settingsView(update(i, body), caller);
        }, v -> ex.json(200, v));
    }

    /** The instance's document plus the caller's own policy (no keys): the portal shows what those rights allow. */
    private Map<String, Object> settingsView(ProvisioningInstance i, SharedAccessPolicy caller) {
        Map<String, Object> m = summary(i);
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("keyName", caller.keyName());
        policy.put("rights", PolicyService.formatRights(caller.rights()));
        m.put("policy", policy);
        return m;
    }

    private ProvisioningInstance update(ProvisioningInstance current, JsonNode body) {
        String allocation = body.hasNonNull("allocationPolicy") ? body.get("allocationPolicy").asText() : null;
        Quotas quotas = body.has("quotas") ? quotas(body.get("quotas"), current.quotas()) : null;
        return instances.update(current.name(), allocation, quotas);
    }

    /** Fields present replace the current ones (null switches a quota off); absent fields are kept. */
    static Quotas quotas(JsonNode q, Quotas current) {
        if (q == null || q.isNull()) {
            return Quotas.NONE;
        }
        if (!q.isObject()) {
            throw ProvisioningException.badRequest("quotas must be {\"registrationsPerMinute\":…,\"operationsPerMinute\":…,"
                    + "\"enrollments\":…} (whole numbers, or null for no limit).");
        }
        q.fieldNames().forEachRemaining(f -> {
            if (!List.of("registrationsPerMinute", "operationsPerMinute", "enrollments").contains(f)) {
                throw ProvisioningException.badRequest("Unknown quota '" + f + "'; the quotas are registrationsPerMinute,"
                        + " operationsPerMinute and enrollments.");
            }
        });
        try {
            return new Quotas(quota(q, "registrationsPerMinute", current.registrationsPerMinute()),
                    quota(q, "operationsPerMinute", current.operationsPerMinute()),
                    quota(q, "enrollments", current.enrollments()));
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.badRequest(e.getMessage());
        }
    }

    private static Integer quota(JsonNode q, String field, Integer current) {
        if (!q.has(field)) {
            return current;
        }
        JsonNode n = q.get(field);
        if (n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ProvisioningException.badRequest("quotas." + field + " must be a whole number, or null for no limit.");
        }
        return n.asInt();
    }

    // ---- /instances --------------------------------------------------------------------------------------------

    void list(Exchange ex) {
        calls.call(ex, RIGHT, i -> {
            requireDefault(i);
            return instances.list().stream().map(this::summary).toList();
        }, v -> ex.json(200, v));
    }

    void get(Exchange ex, String name) {
        calls.call(ex, RIGHT, i -> {
            requireDefault(i);
            return summary(instances.instance(name));
        }, v -> ex.json(200, v));
    }

    void create(Exchange ex, String name) {
        JsonNode body = object(ex.body() == null || ex.body().isBlank() ? "{}" : ex.body());
        calls.call(ex, RIGHT, i -> {
            requireDefault(i);
            return created(create(name, body));
        }, v -> ex.json(201, v));
    }

    void delete(Exchange ex, String name) {
        calls.call(ex, RIGHT, i -> {
            requireDefault(i);
            instances.delete(name);
            return Boolean.TRUE;
        }, v -> ex.empty(204));
    }

    private ProvisioningInstance create(String name, JsonNode body) {
        String n = InstanceService.requireValidName(name);
        String allocation = body.hasNonNull("allocationPolicy") ? body.get("allocationPolicy").asText() : null;
        Quotas quotas = body.has("quotas") ? quotas(body.get("quotas"), Quotas.NONE) : Quotas.NONE;
        ProvisioningException lastConflict = null;
        for (int attempt = 0; attempt < HOST_ATTEMPTS; attempt++) {
            try {
                ProvisioningInstance created = instances.create(n, hosts.hostFor(n), allocation, quotas,
                        hosts.defaultHubs());
                hosts.serve(created);
                return created;
            } catch (ProvisioningException e) {
                if (e.httpStatus() != 409 || instances.list().stream().anyMatch(i -> i.name().equals(n))) {
                    throw e;
                }
                lastConflict = e; // another node took the host name first: pick the next one
            }
        }
        throw lastConflict;
    }

    private void requireDefault(ProvisioningInstance caller) {
        if (!caller.name().equals(defaultInstance)) {
            throw new ProvisioningException(403, 403002, "The instances API is served on the default instance's host"
                    + " only, to its ServiceConfig policies; instance '" + caller.name() + "' cannot manage instances.");
        }
    }

    /** With the global endpoint: what an operator hands to a new tenant's devices along with the ID scope. */
    private Map<String, Object> summary(ProvisioningInstance i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", i.name());
        m.put("idScope", i.idScope());
        m.put("serviceHostName", i.serviceHostName());
        m.put("globalEndpoint", globalEndpoint);
        m.put("allocationPolicy", i.allocationPolicy());
        m.put("quotas", i.quotas());
        return m;
    }

    /** The only answer that carries the owner's key. */
    private Map<String, Object> created(ProvisioningInstance i) {
        Map<String, Object> m = summary(i);
        m.put("connectionString", "HostName=" + i.serviceHostName() + ";SharedAccessKeyName=" + SharedAccessPolicy.OWNER
                + ";SharedAccessKey=" + i.policy(SharedAccessPolicy.OWNER).orElseThrow().primaryKey());
        return m;
    }

    private static JsonNode object(String body) {
        JsonNode n = Json.tree(body);
        if (!n.isObject()) {
            throw ProvisioningException.badRequest("The body must be a JSON object.");
        }
        return n;
    }
}
