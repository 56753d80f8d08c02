package dev.muster.hub;

import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.hub.HubStore;
import dev.muster.core.hub.TrustedCertificate;
import dev.muster.core.x509.Certificates;
import dev.muster.core.x509.ChainVerifier;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The CA certificates each built-in hub trusts for its {@code certificateAuthority} devices. */
public final class CaTrust {
    private final HubStore store;
    private final Clock clock;
    private final ChainVerifier chains;
    /** Parsed trusted certificates by PEM, so a reconnect storm does not re-parse them. */
    private final Map<String, X509Certificate> parsed = new ConcurrentHashMap<>();

    public CaTrust(HubStore store, Clock clock, ChainVerifier chains) {
        this.store = store;
        this.clock = clock;
        this.chains = chains;
    }

    /** Trusts a CA certificate (PEM) for certificateAuthority devices; idempotent. */
    public TrustedCertificate trustCertificateAuthority(String hub, String certificatePem) {
        X509Certificate cert = parse(certificatePem, "certificate");
        Optional<String> problem = chains.checkCa(cert, "certificate");
        if (problem.isPresent()) {
            throw HubError.argumentInvalid("The hub cannot trust it: " + problem.get() + ".");
        }
        String thumb = Certificates.sha256(cert);
        Optional<TrustedCertificate> existing = store.trustedCertificates(hub).stream()
                .filter(t -> t.sha256Thumbprint().equals(thumb)).findFirst();
        if (existing.isPresent()) {
            return existing.get();
        }
        TrustedCertificate t = new TrustedCertificate(thumb, Certificates.subject(cert), Certificates.pem(cert),
                Timestamps.format(clock.instant()));
        store.addTrustedCertificate(hub, t);
        return t;
    }

    public List<TrustedCertificate> trustedCertificates(String hub) {
        return store.trustedCertificates(hub);
    }

    public boolean untrustCertificateAuthority(String hub, String sha256Thumbprint) {
        return store.removeTrustedCertificate(hub, sha256Thumbprint.toUpperCase(Locale.ROOT));
    }

    /** The hub's trust anchors, parsed once per certificate. */
    List<X509Certificate> anchors(String hub) {
        return store.trustedCertificates(hub).stream()
                .map(c -> parsed.computeIfAbsent(c.certificate(), pem -> Certificates.parseOne(pem, "trusted CA")))
                .toList();
    }

    private static X509Certificate parse(String pem, String what) {
        try {
            return Certificates.parseOne(pem, what);
        } catch (ProvisioningException e) {
            throw HubError.argumentInvalid(e.getMessage());
        }
    }
}
