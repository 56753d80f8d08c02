package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.issuance.CertificatePolicies;
import dev.muster.core.issuance.CertificatePolicy;
import dev.muster.core.issuance.InventoryCursor;
import dev.muster.transport.Exchange;

/**
 * Muster's {@code /certificatePolicies}: how the instance issues certificates to devices that send a CSR. Enrollments
 * name a policy in {@code credentialPolicyName}; {@code default} always exists. Policies carry an etag: PUT creates
 * (201) or replaces (200) under {@code If-Match}, DELETE refuses {@code default} and policies enrollments name.
 */
final class CertificatePolicyRoutes {
    private final ServiceCalls calls;
    private final CertificatePolicies policies;

    CertificatePolicyRoutes(ServiceCalls calls, CertificatePolicies policies) {
        this.calls = calls;
        this.policies = policies;
    }

    void list(Exchange ex) {
        calls.call(ex, AccessRight.EnrollmentRead, i -> policies.list(i.name()), list -> ex.json(200, list));
    }

    void get(Exchange ex, String name) {
        calls.call(ex, AccessRight.EnrollmentRead, i -> policies.get(i.name(), name), p -> ex.json(200, p));
    }

    /**
     * Creates or replaces the policy named by the path (a replacement applies to certificates issued afterwards);
     * absent fields take their defaults: {@code issuingCa} {@code default}, validity 30 days, every key type.
     */
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
        doc.remove("etag");
        CertificatePolicy policy = parse(doc);
        String ifMatch = ex.header("If-Match");
        calls.call(ex, AccessRight.EnrollmentWrite, i -> policies.put(i.name(), policy, ifMatch),
                w -> ex.json(w.created() ? 201 : 200, w.policy()));
    }

    void delete(Exchange ex, String name) {
        String ifMatch = ex.header("If-Match");
        calls.call(ex, AccessRight.EnrollmentWrite, i -> {
            policies.delete(i.name(), name, ifMatch);
            return Boolean.TRUE;
        }, v -> ex.empty(204));
    }

    /** The certificates issued under the policy, newest first, paged by {@code x-ms-max-item-count}/{@code x-ms-continuation}. */
    void certificates(Exchange ex, String name) {
        int size = QueryPaging.pageSize(ex.header("x-ms-max-item-count"));
        String after = QueryPaging.after(ex.header("x-ms-continuation"));
        InventoryCursor cursor = after == null ? null : InventoryCursor.parse(after);
        calls.call(ex, AccessRight.RegistrationStatusRead, i -> policies.issuedUnder(i.name(), name, cursor, size + 1),
                page -> ServiceCalls.page(ex, page, size, c -> InventoryCursor.after(c).text(),
                        IssuedCertificateRoutes::view, "issuedCertificate"));
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
