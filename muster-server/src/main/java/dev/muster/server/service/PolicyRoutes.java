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
    private final PolicyService policies;

    PolicyRoutes(PolicyService policies) {
        this.policies = policies;
    }

    void handle(ServiceHttpApi api, Exchange ex, List<String> s, String method, String host, String auth) {
        AccessRight right = AccessRight.ServiceConfig;
        if (s.size() == 1) {
            ServiceHttpApi.requireShape(method.equals("GET"), ex);
            api.call(ex, host, auth, right, i -> i.policies().stream().map(PolicyRoutes::view).toList(),
                    v -> ex.json(200, v));
        } else if (s.size() == 2) {
            String keyName = s.get(1);
            switch (method) {
                case "GET" -> api.call(ex, host, auth, right, i -> view(policies.policy(i, keyName)), v -> ex.json(200, v));
                case "PUT" -> {
                    JsonNode body = Json.tree(ServiceHttpApi.requireBody(ex));
                    Set<AccessRight> rights = rights(body);
                    String primary = text(body, "primaryKey");
                    String secondary = text(body, "secondaryKey");
                    api.call(ex, host, auth, right, i -> policies.put(i.name(), keyName, rights, primary, secondary),
                            w -> ex.json(w.created() ? 201 : 200, view(w.policy())));
                }
                case "DELETE" -> api.call(ex, host, auth, right, i -> {
                    policies.delete(i.name(), keyName);
                    return Boolean.TRUE;
                }, v -> ex.empty(204));
                default -> ServiceHttpApi.methodNotAllowed(ex);
            }
        } else if (s.size() == 3 && s.get(2).equalsIgnoreCase("regenerateKey")) {
            ServiceHttpApi.requireShape(method.equals("POST"), ex);
            String keyType = text(Json.tree(ServiceHttpApi.requireBody(ex)), "keyType");
            api.call(ex, host, auth, right, i -> view(policies.regenerateKey(i.name(), s.get(1), keyType)),
                    v -> ex.json(200, v));
        } else {
            ServiceHttpApi.notFound(ex);
        }
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
