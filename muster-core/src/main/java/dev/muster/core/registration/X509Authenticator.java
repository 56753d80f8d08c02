package dev.muster.core.registration;

import dev.muster.core.ProvisioningException;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentStore;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.X509Attestation;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.X509Thumbprint;
import dev.muster.core.x509.CaCertificate;
import dev.muster.core.x509.CertificateStore;
import dev.muster.core.x509.Certificates;
import dev.muster.core.x509.ChainVerifier;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * X.509 attestation (reference §5): the device's TLS client certificate, whose subject CN is its registration ID,
 * either is an individual enrollment's client certificate, or chains (with the intermediates the device sent) to the
 * CA of an individual enrollment or of an enrollment group. An individual enrollment wins over groups; a disabled one
 * blocks just that device of a group. Refusal reasons name the certificate and the failed check, for the operator.
 */
final class X509Authenticator {
    private static final int PARSED_CACHE = 1024;

    private final EnrollmentStore enrollments;
    private final CertificateStore certificates;
    private final ChainVerifier verifier;
    private final Map<String, X509Certificate> parsed = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, X509Certificate> eldest) {
            return size() > PARSED_CACHE;
        }
    };

    X509Authenticator(EnrollmentStore enrollments, CertificateStore certificates, ChainVerifier verifier) {
        this.enrollments = enrollments;
        this.certificates = certificates;
        this.verifier = verifier;
    }

    private record Attempt(EnrollmentMatch match, String reason) {
        static Attempt refused(String reason) {
            return new Attempt(null, reason);
        }
    }

    DeviceAuthenticator.Outcome authenticate(String instance, String registrationId, List<X509Certificate> chain) {
        X509Certificate leaf = chain.get(0);
        List<X509Certificate> sent = chain.subList(1, chain.size());
        String cn = Certificates.commonName(leaf);
        if (cn == null) {
            return new DeviceAuthenticator.Refused("client certificate " + Certificates.describe(leaf) + " has no subject"
                    + " CN; an X.509 device registers with its certificate's CN as registration ID");
        }
        if (!cn.equalsIgnoreCase(registrationId)) {
            return new DeviceAuthenticator.Refused("client certificate " + Certificates.describe(leaf) + " has subject CN '"
                    + cn + "', but the device registers as '" + registrationId + "'; they must be equal");
        }
        Optional<IndividualEnrollment> individual = enrollments.enrollment(instance, registrationId);
        if (individual.isPresent()) {
            IndividualEnrollment e = individual.get();
            Attempt own = e.attestation().isX509() ? individualMatch(instance, e, leaf, sent)
                    : Attempt.refused("the individual enrollment '" + e.registrationId() + "' uses "
                    + e.attestation().type() + " attestation, but the device presented a client certificate and no"
                    + " SAS token");
            if (own.match() != null) {
                return new DeviceAuthenticator.Accepted(own.match());
            }
            if (!e.isEnabled()) {
                List<String> tried = new ArrayList<>();
                Optional<EnrollmentMatch> viaGroup = groupMatch(instance, leaf, sent, tried);
                if (viaGroup.isPresent()) {
                    return new DeviceAuthenticator.Accepted(viaGroup.get().forEnrollment(e));
                }
            }
            return new DeviceAuthenticator.Refused(own.reason());
        }
        List<String> tried = new ArrayList<>();
        Optional<EnrollmentMatch> viaGroup = groupMatch(instance, leaf, sent, tried);
        if (viaGroup.isPresent()) {
            return new DeviceAuthenticator.Accepted(viaGroup.get());
        }
        return new DeviceAuthenticator.Refused(tried.isEmpty()
                ? "no individual enrollment '" + registrationId + "' and no X.509 enrollment group exists (client"
                  + " certificate " + Certificates.describe(leaf) + ")"
                : "no individual enrollment '" + registrationId + "', and no X.509 enrollment group accepts client"
                  + " certificate " + Certificates.describe(leaf) + ": " + String.join("; ", tried));
    }

    private Attempt individualMatch(String instance, IndividualEnrollment e, X509Certificate leaf,
                                    List<X509Certificate> sent) {
        X509Attestation x = attestation(e);
        if (!x.clientCertificates().isEmpty()) {
            String thumb = Certificates.sha256(leaf);
            boolean matches = x.clientCertificates().stream().anyMatch(c -> Certificates.sha256(c).equals(thumb));
            if (!matches) {
                List<String> enrolled = x.clientCertificates().stream().map(Certificates::sha1).toList();
                return Attempt.refused("client certificate " + Certificates.describe(leaf) + " is not a certificate of"
                        + " individual enrollment '" + e.registrationId() + "' (enrolled SHA-1 " + enrolled + ")");
            }
            Optional<String> problem = verifier.checkLeaf(leaf);
            if (problem.isPresent()) {
                return Attempt.refused(problem.get());
            }
            List<X509Certificate> c = x.clientCertificates();
            X509Thumbprint thumbprints = new X509Thumbprint(Certificates.sha1(c.get(0)),
                    c.size() > 1 ? Certificates.sha1(c.get(1)) : null);
            return new Attempt(EnrollmentMatch.x509(e,
                    new AuthenticationMechanism(AuthenticationMechanism.SELF_SIGNED, null, thumbprints)), null);
        }
        List<String> reasons = new ArrayList<>();
        Optional<EnrollmentMatch> m = chainMatch(instance, e, x, leaf, sent, reasons);
        return m.map(match -> new Attempt(match, null))
                .orElseGet(() -> Attempt.refused("individual enrollment '" + e.registrationId() + "': "
                        + String.join("; ", reasons)));
    }

    private Optional<EnrollmentMatch> groupMatch(String instance, X509Certificate leaf, List<X509Certificate> sent,
                                                 List<String> tried) {
        for (EnrollmentGroup g : enrollments.groupsByAttestation(instance, AttestationMechanism.X509)) {
            List<String> reasons = new ArrayList<>();
            Optional<EnrollmentMatch> m = chainMatch(instance, g, attestation(g), leaf, sent, reasons);
            if (m.isPresent()) {
                return m;
            }
            tried.add("group '" + g.enrollmentGroupId() + "': " + String.join("; ", reasons));
        }
        return Optional.empty();
    }

    /**
     * signingCertificates: a self-signed signer (or one that is itself a verified CA of the instance) is trusted as is;
     * an intermediate signer needs the path to go on to a verified CA of the instance. caReferences: the named
     * certificates, which must be verified.
     */
    private Optional<EnrollmentMatch> chainMatch(String instance, Enrollment e, X509Attestation x, X509Certificate leaf,
                                                 List<X509Certificate> sent, List<String> reasons) {
        if (!x.signingCertificates().isEmpty()) {
            List<CaCertificate> stored = certificates.certificates(instance);
            List<X509Certificate> verified = verified(stored);
            for (X509Certificate signer : x.signingCertificates()) {
                boolean signerTrusted = Certificates.isSelfSigned(signer)
                        || verified.stream().anyMatch(v -> v.equals(signer));
                ChainVerifier.Outcome o;
                if (signerTrusted) {
                    o = verifier.verify(leaf, sent, List.of(), List.of(signer), null);
                } else if (verified.isEmpty()) {
                    reasons.add("its signing certificate " + Certificates.describe(signer) + " is an intermediate, and"
                            + " the instance has no verified CA certificate to anchor it (upload its root with"
                            + " './muster certificate upload' and verify it)");
                    continue;
                } else {
                    o = verifier.verify(leaf, sent, List.of(signer), verified, signer);
                    if (!o.valid() && o.reason() != null && o.reason().startsWith("no chain from")) {
                        o = new ChainVerifier.Outcome(false, o.reason() + "; the signing certificate "
                                + Certificates.describe(signer) + " is an intermediate and needs a verified CA"
                                + " certificate of the instance above it", List.of(), false);
                    }
                }
                if (o.valid()) {
                    return Optional.of(EnrollmentMatch.x509(e, pinned(leaf)));
                }
                reasons.add(o.reason());
            }
            return Optional.empty();
        }
        List<X509Certificate> anchors = new ArrayList<>();
        for (String ref : x.caReferences()) {
            Optional<CaCertificate> c = certificates.certificate(instance, ref);
            if (c.isEmpty()) {
                reasons.add("its caReference '" + ref + "' names no certificate of this instance");
            } else if (!c.get().isVerified()) {
                reasons.add("its caReference '" + ref + "' (" + c.get().subject() + ") is not verified: complete proof"
                        + " of possession first");
            } else {
                anchors.add(parse(c.get().certificate()));
            }
        }
        if (anchors.isEmpty()) {
            if (x.caReferences().isEmpty()) {
                reasons.add("its x509 attestation has no signing certificate or CA reference");
            }
            return Optional.empty();
        }
        ChainVerifier.Outcome o = verifier.verify(leaf, sent, List.of(), anchors, null);
        if (o.valid()) {
            return Optional.of(EnrollmentMatch.x509(e, pinned(leaf)));
        }
        reasons.add(o.reason());
        return Optional.empty();
    }

    /**
     * A device that proved itself through a CA gets a hub identity pinned to the certificate it registered with
     * ({@code selfSigned}, its SHA-1 thumbprint), as Azure DPS creates it: the hub then needs no CA, and a tenant's
     * CA trusted by a shared hub can never vouch for another tenant's device. A renewed certificate re-registers.
     */
    private static AuthenticationMechanism pinned(X509Certificate leaf) {
        return new AuthenticationMechanism(AuthenticationMechanism.SELF_SIGNED, null,
                new X509Thumbprint(Certificates.sha1(leaf), null));
    }

    private List<X509Certificate> verified(List<CaCertificate> stored) {
        return stored.stream().filter(CaCertificate::isVerified).map(c -> parse(c.certificate())).toList();
    }

    private X509Attestation attestation(Enrollment e) {
        return X509Attestation.of(e.attestation().x509(), this::parse);
    }

    private X509Certificate parse(String pem) {
        synchronized (parsed) {
            X509Certificate c = parsed.get(pem);
            if (c != null) {
                return c;
            }
        }
        X509Certificate c;
        try {
            c = Certificates.parseOne(pem, "stored certificate");
        } catch (ProvisioningException e) {
            throw new IllegalStateException("a stored certificate cannot be read: " + e.getMessage(), e);
        }
        synchronized (parsed) {
            parsed.put(pem, c);
        }
        return c;
    }
}
