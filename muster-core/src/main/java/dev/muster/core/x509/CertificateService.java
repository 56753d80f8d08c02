package dev.muster.core.x509;

import dev.muster.core.Ids;
import dev.muster.core.IfMatch;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The instance's CA certificates and Azure's proof of possession: upload a CA certificate, get a verification code,
 * upload a certificate whose subject CN is that code signed by the CA's key, and the CA becomes verified. Writes are
 * conditional on the etag, as in Azure's ARM API; the verification steps require {@code If-Match}.
 */
public final class CertificateService {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final int MAX_ATTEMPTS = 8;

    private final CertificateStore store;
    private final CertificateReferences references;
    private final ChainVerifier verifier;
    private final Clock clock;

    /** @param references the enrollment groups' caReferences (the enrollment store), so a CA in use is kept */
    public CertificateService(CertificateStore store, CertificateReferences references, ChainVerifier verifier,
                              Clock clock) {
        this.store = store;
        this.references = references;
        this.verifier = verifier;
        this.clock = clock;
    }

    public record Written(CaCertificate certificate, boolean created) {}

    /**
     * Creates or replaces the certificate {@code name}. Replacing it with the same certificate keeps its verification
     * state unless {@code isVerified} says otherwise; a different certificate starts unverified unless
     * {@code isVerified} is true.
     */
    public Written put(String instance, String name, String certificateText, Boolean isVerified, String ifMatch) {
        requireName(name);
        X509Certificate cert = Certificates.parseOne(certificateText, "certificate");
        Optional<String> problem = verifier.checkCa(cert, "certificate");
        if (problem.isPresent()) {
            throw ProvisioningException.badRequest("Certificate '" + name + "' cannot be used as a CA: " + problem.get()
                    + ".");
        }
        String sha256 = Certificates.sha256(cert);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<CaCertificate> existing = store.certificate(instance, name);
            checkIfMatch(ifMatch, existing, name, false);
            String now = Timestamps.format(clock.instant());
            boolean same = existing.isPresent() && existing.get().sha256Thumbprint().equals(sha256);
            boolean verified = isVerified != null ? isVerified : same && existing.get().isVerified();
            String code = same && !verified ? existing.get().verificationCode() : null;
            CaCertificate doc = new CaCertificate(existing.map(CaCertificate::name).orElse(name), Certificates.pem(cert),
                    Certificates.subject(cert), Certificates.sha1(cert), sha256,
                    X509CertificateInfo.utc(cert.getNotBefore().toInstant()),
                    X509CertificateInfo.utc(cert.getNotAfter().toInstant()), verified, code, Ids.etag(),
                    existing.map(CaCertificate::createdUtc).orElse(now), now);
            boolean ok = existing.isEmpty() ? store.insertCertificate(instance, doc)
                    : store.replaceCertificate(instance, doc, existing.get().etag());
            if (ok) {
                return new Written(doc, existing.isEmpty());
            }
        }
        throw ProvisioningException.conflict("Certificate " + name + " is being changed concurrently; retry.");
    }

    public List<CaCertificate> list(String instance) {
        return store.certificates(instance);
    }

    public CaCertificate get(String instance, String name) {
        return store.certificate(instance, name).orElseThrow(() -> notFound(name));
    }

    /** Refused while an enrollment group refers to it by caReferences (devices of the group would be locked out). */
    public void delete(String instance, String name, String ifMatch) {
        CaCertificate existing = get(instance, name);
        checkIfMatch(ifMatch, Optional.of(existing), name, false);
        List<String> users = references.groupsReferringTo(instance, name);
        if (!users.isEmpty()) {
            throw ProvisioningException.conflict("Certificate '" + name + "' is referenced by the caReferences of"
                    + " enrollment group(s) " + users + "; change or delete them first.");
        }
        if (!store.deleteCertificate(instance, name, existing.etag())) {
            throw ProvisioningException.preconditionFailed("Certificate " + name + " changed while deleting it.");
        }
    }

    /** A fresh verification code; the returned certificate carries it (and a new etag). */
    public CaCertificate generateVerificationCode(String instance, String name, String ifMatch) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            CaCertificate existing = get(instance, name);
            checkIfMatch(ifMatch, Optional.of(existing), name, true);
            String code = HexFormat.of().withUpperCase().formatHex(Ids.randomBytes(24));
            CaCertificate doc = existing.withVerification(existing.isVerified(), code, Ids.etag(),
                    Timestamps.format(clock.instant()));
            if (store.replaceCertificate(instance, doc, existing.etag())) {
                return doc;
            }
        }
        throw ProvisioningException.conflict("Certificate " + name + " is being changed concurrently; retry.");
    }

    /**
     * Proof of possession: {@code verificationText} must be a certificate whose subject CN is the pending verification
     * code, issued and signed by this CA, and currently valid.
     */
    public CaCertificate verify(String instance, String name, String ifMatch, String verificationText) {
        CaCertificate existing = get(instance, name);
        checkIfMatch(ifMatch, Optional.of(existing), name, true);
        if (existing.verificationCode() == null) {
            throw ProvisioningException.badRequest("Certificate '" + name + "' has no pending verification code:"
                    + " call generateVerificationCode first" + (existing.isVerified() ? " (it is already verified)" : "")
                    + ".");
        }
        X509Certificate ca = Certificates.parseOne(existing.certificate(), "stored certificate");
        X509Certificate proof = Certificates.parseOne(verificationText, "certificate");
        String cn = Certificates.commonName(proof);
        if (!existing.verificationCode().equals(cn)) {
            throw ProvisioningException.badRequest("The verification certificate " + Certificates.describe(proof)
                    + " has subject CN '" + cn + "', not the verification code '" + existing.verificationCode()
                    + "' of certificate '" + name + "'.");
        }
        if (!proof.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            throw ProvisioningException.badRequest("The verification certificate was issued by '"
                    + Certificates.issuer(proof) + "', not by certificate '" + name + "' ('" + Certificates.subject(ca)
                    + "'): sign it with that CA's key and name the CA as issuer.");
        }
        try {
            proof.verify(ca.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw ProvisioningException.badRequest("The verification certificate's signature does not verify with the"
                    + " public key of certificate '" + name + "' " + Certificates.describe(ca) + ": it was not signed"
                    + " with that CA's private key.");
        }
        Instant now = clock.instant();
        if (now.isBefore(proof.getNotBefore().toInstant()) || now.isAfter(proof.getNotAfter().toInstant())) {
            throw ProvisioningException.badRequest("The verification certificate is valid from "
                    + X509CertificateInfo.utc(proof.getNotBefore().toInstant()) + " to "
                    + X509CertificateInfo.utc(proof.getNotAfter().toInstant()) + ", which does not include now.");
        }
        CaCertificate doc = existing.withVerification(true, null, Ids.etag(), Timestamps.format(now));
        if (!store.replaceCertificate(instance, doc, existing.etag())) {
            throw ProvisioningException.preconditionFailed("Certificate " + name + " changed while verifying it; read it"
                    + " again and retry.");
        }
        return doc;
    }

    private static void checkIfMatch(String ifMatch, Optional<CaCertificate> current, String name, boolean required) {
        boolean absent = ifMatch == null || ifMatch.isBlank();
        if (absent && required) {
            throw ProvisioningException.badRequest("If-Match with the etag of certificate '" + name + "' is required"
                    + " (as in Azure); read it with GET /certificates/" + name + ".");
        }
        if (absent || IfMatch.isAny(ifMatch)) {
            return;
        }
        if (current.isEmpty()) {
            throw ProvisioningException.preconditionFailed("Certificate " + name + " does not exist, so If-Match cannot"
                    + " match.");
        }
        if (!IfMatch.matches(ifMatch, current.get().etag())) {
            throw ProvisioningException.preconditionFailed("Certificate " + name + " has changed: its etag is no longer "
                    + ifMatch.strip() + ". Read it again and retry.");
        }
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ProvisioningException.badRequest("A certificate name is 1 to 128 letters, digits, '.', '-' or '_'"
                    + (name == null ? "." : "; '" + name + "' is not."));
        }
    }

    private static ProvisioningException notFound(String name) {
        return ProvisioningException.notFound(404301, "Certificate not found: " + name);
    }
}
