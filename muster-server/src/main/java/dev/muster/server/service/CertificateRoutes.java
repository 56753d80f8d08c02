package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.x509.CaCertificate;
import dev.muster.core.x509.CertificateService;
import dev.muster.transport.Exchange;

/**
 * {@code /certificates}: Muster's stand-in for Azure's ARM certificate API of a provisioning service (upload a CA
 * certificate, proof of possession, list, delete), with ARM's shapes: {@code name}, {@code etag},
 * {@code properties.subject/expiry/thumbprint/isVerified/created/updated/certificate}, and
 * {@code properties.verificationCode} from generateVerificationCode.
 */
final class CertificateRoutes {
    static final String TYPE = "Microsoft.Devices/provisioningServices/Certificates";

    private static final AccessRight RIGHT = AccessRight.ServiceConfig;

    private final ServiceCalls calls;
    private final CertificateService certificates;

    CertificateRoutes(ServiceCalls calls, CertificateService certificates) {
        this.calls = calls;
        this.certificates = certificates;
    }

    void list(Exchange ex) {
        calls.call(ex, RIGHT, this::list, v -> ex.json(200, v));
    }

    void get(Exchange ex, String name) {
        calls.call(ex, RIGHT, i -> view(certificates.get(i.name(), name)), v -> ex.json(200, v));
    }

    void put(Exchange ex, String name) {
        String ifMatch = ex.header("If-Match");
        String body = ex.body();
        calls.call(ex, RIGHT, i -> put(i, name, body, ifMatch),
                w -> ex.json(w.created() ? 201 : 200, view(w.certificate())));
    }

    void delete(Exchange ex, String name) {
        String ifMatch = ex.header("If-Match");
        calls.call(ex, RIGHT, i -> {
            certificates.delete(i.name(), name, ifMatch);
            return Boolean.TRUE;
        }, v -> ex.empty(204));
    }

    void generateVerificationCode(Exchange ex, String name) {
        String ifMatch = ex.header("If-Match");
        calls.call(ex, RIGHT, i -> view(certificates.generateVerificationCode(i.name(), name, ifMatch)),
                v -> ex.json(200, v));
    }

    void verify(Exchange ex, String name) {
        String ifMatch = ex.header("If-Match");
        String body = ex.body();
        calls.call(ex, RIGHT, i -> verify(i, name, ifMatch, body), v -> ex.json(200, v));
    }

    /** Body {@code {"certificate":…,"isVerified":…}} or ARM's {@code {"properties":{…}}}. */
    private CertificateService.Written put(ProvisioningInstance instance, String name, String body, String ifMatch) {
        JsonNode props = properties(body);
        JsonNode cert = props.get("certificate");
        if (cert == null || !cert.isTextual()) {
            throw ProvisioningException.badRequest("The body must be {\"certificate\":\"<PEM or base64 DER>\","
                    + "\"isVerified\":false}.");
        }
        JsonNode verified = props.get("isVerified");
        if (verified != null && !verified.isNull() && !verified.isBoolean()) {
            throw ProvisioningException.badRequest("isVerified must be true or false.");
        }
        return certificates.put(instance.name(), name, cert.asText(),
                verified == null || verified.isNull() ? null : verified.asBoolean(), ifMatch);
    }

    private ObjectNode list(ProvisioningInstance instance) {
        ObjectNode out = Json.object();
        var value = out.putArray("value");
        certificates.list(instance.name()).forEach(c -> value.add(view(c)));
        return out;
    }

    private ObjectNode verify(ProvisioningInstance instance, String name, String ifMatch, String body) {
        JsonNode cert = properties(body).get("certificate");
        if (cert == null || !cert.isTextual()) {
            throw ProvisioningException.badRequest("The body must be {\"certificate\":\"<PEM or base64 DER of the"
                    + " verification certificate>\"}.");
        }
        return view(certificates.verify(instance.name(), name, ifMatch, cert.asText()));
    }

    private static ObjectNode view(CaCertificate c) {
        ObjectNode out = Json.object();
        out.put("id", "/certificates/" + c.name());
        out.put("name", c.name());
        out.put("type", TYPE);
        out.put("etag", c.etag());
        ObjectNode p = out.putObject("properties");
        p.put("subject", c.subject());
        p.put("expiry", c.expiryUtc());
        p.put("notBefore", c.notBeforeUtc());
        p.put("thumbprint", c.sha1Thumbprint());
        p.put("sha1Thumbprint", c.sha1Thumbprint());
        p.put("sha256Thumbprint", c.sha256Thumbprint());
        p.put("isVerified", c.isVerified());
        if (c.verificationCode() != null) {
            p.put("verificationCode", c.verificationCode());
        }
        p.put("created", c.createdUtc());
        p.put("updated", c.updatedUtc());
        p.put("certificate", c.certificate());
        return out;
    }

    private static JsonNode properties(String body) {
        if (body == null || body.isBlank()) {
            throw ProvisioningException.badRequest("A JSON body with the certificate is required.");
        }
        JsonNode n = Json.tree(body);
        if (!n.isObject()) {
            throw ProvisioningException.badRequest("The body must be a JSON object.");
        }
        return n.has("properties") && n.get("properties").isObject() ? n.get("properties") : n;
    }
}
