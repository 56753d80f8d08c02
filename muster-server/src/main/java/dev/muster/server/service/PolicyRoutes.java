package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.PolicyService;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.transport.Exchange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /policies}: the instance's shared access policies in Azure's SharedAccessSignatureAuthorizationRule shape
 * ({@code keyName}, {@code primaryKey}, {@code secondaryKey}, {@code rights} as "EnrollmentRead, EnrollmentWrite").
 * Every call needs ServiceConfig.
 */
final class PolicyRoutes {
    private static final AccessRight RIGHT = AccessRight.ServiceConfig;

    private final ServiceCalls calls;
    private final PolicyService policies;

    PolicyRoutes(ServiceCalls calls, PolicyService policies) {
        this.calls = calls;
        this.policies = policies;
    }

    void list(Exchange ex) {
        calls.call(ex, RIGHT, i -> i.policies().stream().map(PolicyRoutes::view).toList(), v -> ex.json(200, v));
    }

    void get(Exchange ex, String keyName) {
        calls.call(ex, RIGHT, i -> view(policies.policy(i, keyName)), v -> ex.json(200, v));
    }

    void put(Exchange ex, String keyName) {
        JsonNode body = Json.tree(ServiceCalls.requireBody(ex));
        Set<AccessRight> rights = rights(body);
        String primary = text(body, "primaryKey");
        String secondary = text(body, "secondaryKey");
        calls.call(ex, RIGHT, i -> policies.put(i.name(), keyName, rights, primary, secondary),
                w -> ex.json(w.created() ? 201 : 200, view(w.policy())));
    }

    void delete(Exchange ex, String keyName) {
        calls.call(ex, RIGHT, i -> {
            policies.delete(i.name(), keyName);
            return Boolean.TRUE;
        }, v -> ex.empty(204));
    }

    void regenerateKey(Exchange ex, String keyName) {
        String keyType = text(Json.tree(ServiceCalls.requireBody(ex)), "keyType");
        calls.call(ex, RIGHT, i -> view(policies.regenerateKey(i.name(), keyName, keyType)), v -> ex.json(200, v));
    }

    static Map<String, Object> view(SharedAccessPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keyName", p.keyName());
        m.put("primaryKey", p.primaryKey());
        m.put("secondaryKey", p.secondaryKey());
        m.put("rights", PolicyService.formatRights(p.rights()));
        return m;
    }

    /** {@code "rights": "EnrollmentRead, EnrollmentWrite"} or {@code ["EnrollmentRead", "EnrollmentWrite"]}. */
    private static Set<AccessRight> rights(JsonNode body) {
        JsonNode r = body.get("rights");
        if (r != null && r.isTextual()) {
            return PolicyService.parseRights(r.asText());
        }
        if (r != null && r.isArray()) {
            List<String> names = new ArrayList<>();
            r.forEach(n -> names.add(n.asText()));
            return PolicyService.parseRights(names);
        }
        throw ProvisioningException.badRequest("The body must be {\"rights\":\"EnrollmentRead, EnrollmentWrite\"} (a"
                + " comma-separated string or a list), with optional primaryKey and secondaryKey.");
    }

    private static String text(JsonNode body, String field) {
        if (!body.isObject()) {
            throw ProvisioningException.badRequest("The body must be a JSON object.");
        }
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ProvisioningException.badRequest(field + " must be a string.");
        }
        return n.asText();
    }
}
