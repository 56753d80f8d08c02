package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.issuance.CaKey;
import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.IssuingCa;
import dev.muster.core.issuance.Pkcs11Uri;
import dev.muster.core.x509.Certificates;
import dev.muster.transport.Exchange;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Muster's {@code /issuingCas}: the CAs certificate policies issue with — {@code default} (generated), others
 * generated, uploaded with their key, or with a key that stays in a PKCS#11 token. Answers show the chain, never the key
 * or a PIN. The same right as {@code /certificates}: both decide whom the service trusts.
 */
final class IssuingCaRoutes {
    private static final AccessRight RIGHT = AccessRight.ServiceConfig;

    private final ServiceCalls calls;
    private final CertificateIssuance issuance;

    IssuingCaRoutes(ServiceCalls calls, CertificateIssuance issuance) {
        this.calls = calls;
        this.issuance = issuance;
    }

    void list(Exchange ex) {
        calls.call(ex, RIGHT, i -> issuance.issuingCas(i.name()).stream().map(IssuingCaRoutes::view).toList(),
                list -> ex.json(200, list));
    }

    void get(Exchange ex, String name) {
        calls.call(ex, RIGHT, i -> view(issuance.findIssuingCa(i.name(), name)
                .orElseThrow(() -> CertificateIssuance.issuingCaNotFound(name))), v -> ex.json(200, v));
    }

    /**
     * Creates the CA named by the path. Body by {@code kind}: {@code uploaded} with {@code certificates} (PEM, the CA
     * first, then its issuers up to the root) and {@code privateKey} (PEM); {@code pkcs11} with {@code keyUri} (or
     * {@code token}/{@code slotId} and {@code keyLabel}), {@code pin} and optionally {@code certificates} (without
     * them Muster generates the key and a root in the token); {@code generated} with nothing else.
     */
    void put(Exchange ex, String name) {
        JsonNode body = body(ex.body());
        calls.call(ex, RIGHT, i -> view(create(i, name, body)), v -> ex.json(201, v));
    }

    void delete(Exchange ex, String name) {
        calls.call(ex, RIGHT, i -> {
            issuance.deleteIssuingCa(i.name(), name);
            return Boolean.TRUE;
        }, v -> ex.empty(204));
    }

    private IssuingCa create(ProvisioningInstance instance, String name, JsonNode body) {
        String kind = text(body, "kind");
        if (kind == null) {
            kind = body.has("privateKey") ? "uploaded" : body.has("pin") ? "pkcs11" : null;
        }
        if ("uploaded".equals(kind)) {
            return issuance.uploadIssuingCa(instance.name(), name, required(body, "certificates"),
                    required(body, "privateKey"));
        }
        if ("pkcs11".equals(kind)) {
            return issuance.createPkcs11IssuingCa(instance.name(), name, keyUri(body), required(body, "pin"),
                    text(body, "certificates"));
        }
        if ("generated".equals(kind)) {
            return issuance.generateIssuingCa(instance.name(), name);
        }
        throw ProvisioningException.badRequest("kind must be uploaded (certificates, privateKey), pkcs11 (keyUri or"
                + " token and keyLabel, pin, optional certificates) or generated; got '" + kind + "'.");
    }

    private static Pkcs11Uri keyUri(JsonNode body) {
        String uri = text(body, "keyUri");
        if (uri != null) {
            return Pkcs11Uri.parse(uri);
        }
        JsonNode slot = body.get("slotId");
        if (slot != null && !slot.isNull() && !slot.canConvertToLong()) {
            throw ProvisioningException.badRequest("slotId must be a number.");
        }
        return new Pkcs11Uri(text(body, "token"), slot == null || slot.isNull() ? null : slot.asLong(),
                required(body, "keyLabel"));
    }

    /** What an operator may see of a CA: its chain and where its key is, never the key or the PIN. */
    static Map<String, Object> view(IssuingCa ca) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", ca.name());
        m.put("kind", ca.kind().wire());
        m.put("subject", Certificates.subject(ca.certificate()));
        m.put("rootSubject", Certificates.subject(ca.root()));
        m.put("notAfter", Timestamps.format(ca.certificate().getNotAfter().toInstant()));
        m.put("sha256Thumbprint", ca.sha256Thumbprint());
        if (ca.key() instanceof CaKey.Token token) {
            m.put("keyUri", token.uri().toString());
        }
        m.put("certificates", Certificates.pem(ca.chain()));
        return m;
    }

    private static JsonNode body(String body) {
        if (body == null || body.isBlank()) {
            throw ProvisioningException.badRequest("A JSON body is required: {\"kind\":\"uploaded\",\"certificates\":…,"
                    + "\"privateKey\":…} or {\"kind\":\"pkcs11\",\"keyUri\":…,\"pin\":…}.");
        }
        JsonNode n = Json.tree(body);
        if (!n.isObject()) {
            throw ProvisioningException.badRequest("The body must be a JSON object.");
        }
        return n;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ProvisioningException.badRequest(field + " must be a string.");
        }
        return v.asText();
    }

    private static String required(JsonNode body, String field) {
        String v = text(body, field);
        if (v == null || v.isBlank()) {
            throw ProvisioningException.badRequest(field + " is required.");
        }
        return v;
    }
}
