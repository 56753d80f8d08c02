package dev.muster.core.registration;

import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.CertificatePolicy;
import dev.muster.core.issuance.CsrCheck;
import dev.muster.core.issuance.CsrVerdict;
import dev.muster.core.issuance.IssuanceOutcome;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The part of a registration that concerns a {@code csr} (data-plane 2025-07-01-preview): before the hub is touched,
 * the api-version and the request are checked against the enrollment's policy; once the device is assigned, its
 * certificate is signed. A device that sent a CSR gets a hub identity for certificate-authority authentication: it
 * will connect with what it was issued.
 */
final class CsrIssuanceStep {
    /** The first data-plane version whose DeviceRegistration has {@code csr}. */
    static final String FIRST_API_VERSION = "2025-07-01-preview";
    private static final Pattern DATED = Pattern.compile("\\d{4}-\\d{2}-\\d{2}.*");

    /** Accepted and waiting for the device's assignment. */
    record Pending(CertificatePolicy policy, CsrVerdict.Accepted verdict) {
        AuthenticationMechanism hubAuthentication() {
            return new AuthenticationMechanism(AuthenticationMechanism.CERTIFICATE_AUTHORITY, null, null);
        }
    }

    private final CertificateIssuance issuance;

    /** @param issuance null: this server issues no certificates, and a CSR is refused */
    CsrIssuanceStep(CertificateIssuance issuance) {
        this.issuance = issuance;
    }

    /**
     * Null when the request has no csr.
     *
     * @throws CsrRefused when the api-version predates CSRs, the policy is missing, or the CSR fails its checks
     */
    Pending check(String instance, RegistrationRequest request, Enrollment enrollment) {
        String csr = request.csr();
        if (csr == null) {
            return null;
        }
        requireCsrVersion(request.apiVersion());
        if (issuance == null) {
            throw new CsrRefused(CsrCheck.CSR_REFUSED,
                    "This provisioning service does not issue certificates.", "certificate issuance is not configured");
        }
        // Enrollments name a policy in credentialPolicyName (service API 2025-07-01-preview); a CSR sent through one
        // that names none is issued from the instance's default policy (a Muster choice; Azure's rule is unconfirmed).
        String policyName = enrollment.credentialPolicyName();
        CertificatePolicy policy = issuance.policy(instance, policyName).orElseThrow(() -> new CsrRefused(
                CsrCheck.CSR_REFUSED, "The enrollment's credential policy does not exist.",
                "enrollment " + enrollment.id() + " names credential policy '" + policyName + "', which is missing"));
        CsrVerdict verdict = issuance.check(policy, request.registrationId(), csr);
        if (verdict instanceof CsrVerdict.Refused r) {
            throw new CsrRefused(r.errorCode(), r.deviceMessage(), "CSR refused: " + r.reason());
        }
        return new Pending(policy, (CsrVerdict.Accepted) verdict);
    }

    /** Signs the device's certificate; the chain as {@code issuedCertificateChain} lists it. */
    List<String> issue(String instance, String registrationId, Pending pending) {
        IssuanceOutcome.Issued issued = issuance.issue(instance, pending.policy(), registrationId, pending.verdict());
        return issued.chain().base64Der();
    }

    /**
     * A csr is part of DeviceRegistration from 2025-07-01-preview on; with an older version the request is
     * refused (rather than registering the device without the certificate it asked for). <b>Unconfirmed</b>: Azure's
     * exact answer to an older version with csr is not documented.
     */
    static void requireCsrVersion(String apiVersion) {
        if (!supportsCsr(apiVersion)) {
            String version = apiVersion == null || apiVersion.isBlank() ? "missing" : "'" + apiVersion + "'";
            throw new CsrRefused(CsrCheck.CSR_REFUSED, "The csr field needs api-version " + FIRST_API_VERSION
                    + " or later; the request's api-version is " + version + ".",
                    "csr sent with api-version " + version);
        }
    }

    static boolean supportsCsr(String apiVersion) {
        return apiVersion != null && DATED.matcher(apiVersion).matches()
                && apiVersion.substring(0, 10).compareTo(FIRST_API_VERSION.substring(0, 10)) >= 0;
    }
}
