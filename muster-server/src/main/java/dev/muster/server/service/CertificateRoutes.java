package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.x509.CaCertificate;
import dev.muster.core.x509.CertificateService;

/**
 * {@code /certificates}: Muster's stand-in for Azure's ARM certificate API of a provisioning service (upload a CA
 * certificate, proof of possession, list, delete), with ARM's shapes: {@code name}, {@code etag},
 * {@code properties.subject/expiry/thumbprint/isVerified/created/updated/certificate}, and
 * {@code properties.verificationCode} from generateVerificationCode.
 */
final class CertificateRoutes {
    static final String TYPE = "Microsoft.Devices/provisioningServices/Certificates";

    private final CertificateService certificates;

    CertificateRoutes(CertificateService certificates) {
        this.certificates = certificates;
    }

    /** Body {@code {"certificate":…,"isVerified":…}} or ARM's {@code {"properties":{…}}}. */
    CertificateService.Written put(ProvisioningInstance instance, String name, String body, String ifMatch) {
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

    ObjectNode list(ProvisioningInstance instance) {
        ObjectNode out = Json.object();
        var value = out.putArray("value");
        certificates.list(instance.name()).forEach(c -> value.add(view(c)));
        return out;
    }

    ObjectNode get(ProvisioningInstance instance, String name) {
        return view(certificates.get(instance.name(), name));
    }

    void delete(ProvisioningInstance instance, String name, String ifMatch) {
        certificates.delete(instance.name(), name, ifMatch);
    }

    ObjectNode generateVerificationCode(ProvisioningInstance instance, String name, String ifMatch) {
        return view(certificates.generateVerificationCode(instance.name(), name, ifMatch));
    }

    ObjectNode verify(ProvisioningInstance instance, String name, String ifMatch, String body) {
        JsonNode cert = properties(body).get("certificate");
        if (cert == null || !cert.isTextual()) {
            throw ProvisioningException.badRequest("The body must be {\"certificate\":\"<PEM or base64 DER of the"
                    + " verification certificate>\"}.");
        }
        return view(certificates.verify(instance.name(), name, ifMatch, cert.asText()));
    }

    static ObjectNode view(CaCertificate c) {
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
