package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.CertificatePolicy;
import dev.muster.transport.Exchange;

/**
 * Muster's {@code /certificatePolicies}: how the instance issues certificates to devices that send a CSR. Enrollments
 * name a policy in {@code credentialPolicyName}; {@code default} always exists.
 */
final class CertificatePolicyRoutes {
    private final ServiceCalls calls;
    private final CertificateIssuance issuance;

    CertificatePolicyRoutes(ServiceCalls calls, CertificateIssuance issuance) {
        this.calls = calls;
        this.issuance = issuance;
    }

    void list(Exchange ex) {
        calls.call(ex, AccessRight.EnrollmentRead, i -> issuance.policies(i.name()), list -> ex.json(200, list));
    }

    void get(Exchange ex, String name) {
        calls.call(ex, AccessRight.EnrollmentRead, i -> issuance.policy(i.name(), name).orElseThrow(
                () -> ProvisioningException.notFound(404204, "Certificate policy '" + name + "' does not exist.")),
                p -> ex.json(200, p));
    }

    /** Creates the policy named by the path; {@code issuingCa} defaults to {@code default}, validity to 30 days, key types to all. */
    void put(Exchange ex, String name) {
        JsonNode body = Json.tree(ex.body() == null || ex.body().isBlank() ? "{}" : ex.body());
        if (!body.isObject()) {
            throw ProvisioningException.badRequest("The body must be a certificate policy object.");
        }
        ObjectNode doc = ((ObjectNode) body).deepCopy();
        doc.put("name", name);
        if (!doc.hasNonNull("issuingCa")) {
            doc.put("issuingCa", "default");
        }
        if (!doc.hasNonNull("validityDays")) {
            doc.put("validityDays", CertificatePolicy.DEFAULT_VALIDITY_DAYS);
        }
        if (!doc.hasNonNull("keyTypes")) {
            doc.set("keyTypes", Json.MAPPER.valueToTree(dev.muster.core.issuance.KeyType.values()));
        }
        CertificatePolicy policy = parse(doc);
        calls.call(ex, AccessRight.EnrollmentWrite, i -> issuance.createPolicy(i.name(), policy),
                p -> ex.json(201, p));
    }

    private static CertificatePolicy parse(ObjectNode doc) {
        try {
            return Json.MAPPER.treeToValue(doc, CertificatePolicy.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof ProvisioningException p ? p : e;
            if (cause instanceof ProvisioningException p) {
                throw p;
            }
            throw ProvisioningException.badRequest("Not a certificate policy: " + e.getMessage());
        }
    }
}
