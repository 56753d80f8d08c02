package dev.muster.server.service;

import dev.muster.core.Timestamps;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.IssuedCertificate;
import dev.muster.transport.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Muster's additions under {@code /registrations/{id}/certificates}: the certificates a registration was issued for its
 * CSRs, and their revocation (one by {@code serialNumber}, or all). Built-in hubs refuse a revoked certificate at the
 * device's next connection.
 */
final class IssuedCertificateRoutes {
    private final ServiceCalls calls;
    private final CertificateIssuance issuance;

    IssuedCertificateRoutes(ServiceCalls calls, CertificateIssuance issuance) {
        this.calls = calls;
        this.issuance = issuance;
    }

    void list(Exchange ex, String registrationId) {
        calls.call(ex, AccessRight.RegistrationStatusRead, i -> issuance.issuedTo(i.name(), registrationId),
                list -> ex.json(200, list.stream().map(IssuedCertificateRoutes::view).toList()));
    }

    /** {@code ?serialNumber=…} revokes that one; without it every certificate of the registration. */
    void revoke(Exchange ex, String registrationId) {
        String serial = ex.query("serialNumber");
        calls.call(ex, AccessRight.RegistrationStatusWrite, i -> issuance.revoke(i.name(), registrationId,
                serial == null || serial.isBlank() ? null : serial.strip()), revoked -> ex.json(200, answer(revoked)));
    }

    private static Map<String, Object> answer(List<IssuedCertificate> revoked) {
        return Map.of("revoked", revoked.stream().map(IssuedCertificateRoutes::view).toList());
    }

    /** The inventory entry with Azure-style UTC timestamps; {@code revokedAt} only once revoked. */
    static Map<String, Object> view(IssuedCertificate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("registrationId", c.registrationId());
        m.put("serialNumber", c.serialNumber());
        m.put("sha256Thumbprint", c.sha256Thumbprint());
        m.put("notAfter", Timestamps.format(c.notAfter()));
        m.put("policyName", c.policyName());
        m.put("issuingCa", c.issuingCa());
        m.put("issuedAt", Timestamps.format(c.issuedAt()));
        if (c.revokedAt() != null) {
            m.put("revokedAt", Timestamps.format(c.revokedAt()));
        }
        return m;
    }
}
