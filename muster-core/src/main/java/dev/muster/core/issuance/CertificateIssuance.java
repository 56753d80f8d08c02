package dev.muster.core.issuance;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import dev.muster.core.x509.Certificates;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Issues a registering device's operational certificate from a policy of its instance. Every instance has policy
 * {@code default} and its CA {@code default}, made on first use: the first node to store them wins, the others read
 * what it stored, so all nodes sign with one CA.
 */
public final class CertificateIssuance {
    private final IssuanceStore store;
    private final CertificateIssuer issuer;
    private final Clock clock;
    private final RecentCas signers;
    private final Pkcs11Tokens tokens;
    private final CrlLocations crls;
    private final List<Consumer<String>> caListeners = new CopyOnWriteArrayList<>();

    public CertificateIssuance(IssuanceStore store, Clock clock) {
        this(store, clock, new Pkcs11Tokens(Pkcs11Tokens.DEFAULT_LIBRARY), CrlLocations.NONE);
    }

    /** @param crls where each CA's CRL is published: the distribution point of policies that name none */
    public CertificateIssuance(IssuanceStore store, Clock clock, CrlLocations crls) {
        this(store, clock, new Pkcs11Tokens(Pkcs11Tokens.DEFAULT_LIBRARY), crls);
    }

    /** @param tokens the server's PKCS#11 library, for CAs whose key is in a token */
    public CertificateIssuance(IssuanceStore store, Clock clock, Pkcs11Tokens tokens) {
        this(store, clock, tokens, CrlLocations.NONE);
    }

    /**
     * @param tokens the server's PKCS#11 library, for CAs whose key is in a token
     * @param crls where each CA's CRL is published: the distribution point of policies that name none
     */
    public CertificateIssuance(IssuanceStore store, Clock clock, Pkcs11Tokens tokens, CrlLocations crls) {
        this.store = store;
        this.issuer = new CertificateIssuer(clock);
        this.clock = clock;
        this.signers = new RecentCas(clock, RecentCas.DEFAULT_TTL);
        this.tokens = tokens;
        this.crls = crls;
    }

    /**
     * The policy a device's CSR is checked against, or empty when the enrollment names one the instance lacks.
     *
     * @param policyName the enrollment's {@code credentialPolicyName}, null for {@code default}
     */
    public Optional<CertificatePolicy> policy(String instance, String policyName) {
        if (policyName == null || CertificatePolicy.DEFAULT.equalsIgnoreCase(policyName)) {
            return Optional.of(withCrl(instance, defaultPolicy(instance)));
        }
        return store.policy(instance, policyName).map(p -> withCrl(instance, p));
    }

    /** Checks the CSR without signing: a refusal must be known before the hub identity is made. */
    public CsrVerdict check(CertificatePolicy policy, String registrationId, String csrBase64) {
        return CsrCheck.check(csrBase64, registrationId, policy);
    }

    /** Signs the accepted request's key and records the certificate in the inventory. */
    public IssuanceOutcome.Issued issue(String instance, CertificatePolicy policy, String registrationId,
                                        CsrVerdict.Accepted accepted) {
        IssuingCa ca = signers.get(instance, policy.issuingCa(), () -> issuingCa(instance, policy.issuingCa()));
        IssuedChain chain = issuer.issue(ca, policy, registrationId, accepted.publicKey());
        IssuedCertificate record = IssuedCertificate.of(registrationId, chain, policy, clock.instant());
        store.recordIssued(instance, record);
        return new IssuanceOutcome.Issued(chain, record);
    }

    /** The instance's policies, {@code default} among them. */
    public List<CertificatePolicy> policies(String instance) {
        defaultPolicy(instance);
        return store.policies(instance).stream().map(p -> withCrl(instance, p)).toList();
    }

    /**
     * Adds a policy. Its CA must exist: {@code default} (generated on first use) or one uploaded or put in a token.
     *
     * @throws ProvisioningException 400 for a CA the instance lacks, 409 when the name is taken ({@code default} always is)
     */
    public CertificatePolicy createPolicy(String instance, CertificatePolicy policy) {
        if (!IssuingCa.DEFAULT.equalsIgnoreCase(policy.issuingCa())
                && store.issuingCa(instance, policy.issuingCa()).isEmpty()) {
            throw ProvisioningException.badRequest("issuingCa '" + policy.issuingCa() + "' does not exist; create it"
                    + " first (PUT /issuingCas/" + policy.issuingCa() + ") or name 'default'.");
        }
        defaultPolicy(instance);
        if (!store.insertPolicy(instance, policy)) {
            throw ProvisioningException.conflict("Certificate policy '" + policy.name() + "' exists already;"
                    + " policies are not changed once made (certificates name them).");
        }
        return withCrl(instance, policy);
    }

    /** The registration's certificates, newest first. */
    public List<IssuedCertificate> issuedTo(String instance, String registrationId) {
        return store.issuedTo(instance, registrationId);
    }

    /**
     * Revokes one of the registration's certificates, or all of them when {@code serialNumber} is null.
     *
     * @return the certificates revoked by this call (already revoked ones are not counted again)
     */
    public List<IssuedCertificate> revoke(String instance, String registrationId, String serialNumber) {
        Instant now = clock.instant();
        return store.issuedTo(instance, registrationId).stream()
                .filter(c -> !c.isRevoked() && (serialNumber == null || c.serialNumber().equalsIgnoreCase(serialNumber)))
                .filter(c -> store.revoke(instance, c.issuingCa(), c.serialNumber(), now))
                .toList();
    }

    /** The instance's CA of that name; the default one is generated (once, across nodes) on first use. */
    public IssuingCa issuingCa(String instance, String name) {
        Optional<IssuingCa> ca = store.issuingCa(instance, name);
        if (ca.isPresent()) {
            return ca.get().bind(tokens);
        }
        if (!IssuingCa.DEFAULT.equalsIgnoreCase(name)) {
            throw new IllegalStateException("policy names issuing CA '" + name + "', which instance " + instance
                    + " does not have");
        }
        IssuingCa generated = IssuingCa.generate(IssuingCa.DEFAULT, instance);
        if (store.insertIssuingCa(instance, generated)) {
            return generated;
        }
        return store.issuingCa(instance, name).orElseThrow(() -> new IllegalStateException(
                "the default issuing CA of " + instance + " was stored by another node but cannot be read"));
    }

    private CertificatePolicy defaultPolicy(String instance) {
        Optional<CertificatePolicy> stored = store.policy(instance, CertificatePolicy.DEFAULT);
        if (stored.isPresent()) {
            return stored.get();
        }
        // Stored without a distribution point: it is filled in when read (withCrl), so a changed --crl-base-url
        // reaches the leaves issued after it. With an etag, so operators can replace it under If-Match like any other.
        CertificatePolicy p = CertificatePolicy.defaultPolicy(null).stored(CertificatePolicy.DEFAULT, Ids.etag());
        store.insertPolicy(instance, p);
        return store.policy(instance, CertificatePolicy.DEFAULT).orElse(p);
    }

    // ---- issuing CAs beyond the generated one ----------------------------------------------------------------------

    /** The instance's issuing CAs, {@code default} among them (made now if it was not yet). */
    public List<IssuingCa> issuingCas(String instance) {
        issuingCa(instance, IssuingCa.DEFAULT);
        return store.issuingCas(instance);
    }

    /** The instance's CA of that name, without generating {@code default}. */
    public Optional<IssuingCa> findIssuingCa(String instance, String name) {
        if (IssuingCa.DEFAULT.equalsIgnoreCase(name)) {
            return Optional.of(issuingCa(instance, name));
        }
        return store.issuingCa(instance, name);
    }

    /** Adds another CA generated by Muster (a P-256 root, its key sealed like the default one's). */
    public IssuingCa generateIssuingCa(String instance, String name) {
        requireNewName(name);
        return insert(instance, IssuingCa.generate(name, instance));
    }

    /**
     * Adds an operator's root or intermediate CA with its key.
     *
     * @param certificatesPem the CA certificate, then its issuers up to the root (none when it is a root)
     * @param keyPem its key, PKCS#8 or traditional EC/RSA PEM
     * @throws ProvisioningException 400 naming what is wrong with the CA, 409 when the name is taken
     */
    public IssuingCa uploadIssuingCa(String instance, String name, String certificatesPem, String keyPem) {
        requireNewName(name);
        List<X509Certificate> chain = Certificates.parseAll(certificatesPem, "certificates");
        PrivateKey key;
        try {
            key = Certificates.readPrivateKey(keyPem == null ? "" : keyPem, "privateKey");
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.badRequest(e.getMessage() + "; give the CA's key as PKCS#8 (BEGIN PRIVATE KEY)"
                    + " or traditional (BEGIN EC/RSA PRIVATE KEY) PEM.");
        }
        IssuingCa ca = new IssuingCa(name, IssuingCa.Kind.UPLOADED, chain.get(0), chain.subList(1, chain.size()),
                new CaKey.Local(key));
        CaChainCheck.check(chain, clock.instant());
        CaChainCheck.requireKeyMatches(ca.contentSigner(), ca.certificate());
        return insert(instance, ca);
    }

    /**
     * Adds a CA whose key stays in a PKCS#11 token. With a chain, the token's key under the URI's label must match its
     * first certificate (stored next to the key when the token has none for it); without one, a P-256 key pair and a self-signed root are generated in the token.
     *
     * @throws ProvisioningException 400 naming the fix when the library, token, PIN, key or chain is wrong
     */
    public IssuingCa createPkcs11IssuingCa(String instance, String name, Pkcs11Uri uri, String pin,
                                           String certificatesPem) {
        requireNewName(name);
        if (pin == null || pin.isEmpty()) {
            throw ProvisioningException.badRequest("pin is required: the token's user PIN.");
        }
        if (store.issuingCa(instance, name).isPresent()) {
            throw nameTaken(name);
        }
        // Both reach the token first, so a wrong library, token, PIN or label is a 400 saying how to fix it.
        List<X509Certificate> chain;
        if (certificatesPem == null || certificatesPem.isBlank()) {
            chain = tokens.generate(uri, pin, "Muster issuing CA " + name + " of " + instance,
                    IssuingCa.GENERATED_VALIDITY).chain();
        } else {
            chain = Certificates.parseAll(certificatesPem, "certificates");
            tokens.adopt(uri, pin, chain.get(0));
        }
        CaChainCheck.check(chain, clock.instant());
        IssuingCa ca = new IssuingCa(name, IssuingCa.Kind.PKCS11, chain.get(0), chain.subList(1, chain.size()),
                new CaKey.Token(uri, pin, tokens));
        CaChainCheck.requireKeyMatches(ca.contentSigner(), ca.certificate());
        return insert(instance, ca);
    }

    /**
     * Deletes a CA no policy names. Certificates it issued stay in the inventory; hubs stop trusting them.
     *
     * @throws ProvisioningException 404 when absent, 409 for {@code default} or while a policy names it
     */
    public void deleteIssuingCa(String instance, String name) {
        if (IssuingCa.DEFAULT.equalsIgnoreCase(name)) {
            throw ProvisioningException.conflict("The generated CA 'default' cannot be deleted: policy 'default'"
                    + " issues with it.");
        }
        IssuingCa ca = store.issuingCa(instance, name).orElseThrow(() -> issuingCaNotFound(name));
        List<String> users = store.policies(instance).stream()
                .filter(p -> p.issuingCa().equalsIgnoreCase(name)).map(CertificatePolicy::name).toList();
        if (!users.isEmpty()) {
            throw ProvisioningException.conflict("Issuing CA '" + name + "' is named by certificate policies " + users
                    + "; policies are not changed once made, so it stays while they exist.");
        }
        if (store.deleteIssuingCa(instance, name)) {
            signers.forget(instance, name);
            if (ca.key() instanceof CaKey.Token t) {
                tokens.forget(t.uri());
            }
            caListeners.forEach(l -> l.accept(instance));
        }
    }

    /** Called with the instance's name after one of its CAs was added or deleted (hub trust caches listen). */
    public void onIssuingCaChange(Consumer<String> listener) {
        caListeners.add(listener);
    }

    public static ProvisioningException issuingCaNotFound(String name) {
        return ProvisioningException.notFound(404204, "Issuing CA '" + name + "' does not exist.");
    }

    private IssuingCa insert(String instance, IssuingCa ca) {
        if (!store.insertIssuingCa(instance, ca)) {
            throw nameTaken(ca.name());
        }
        signers.forget(instance, ca.name());
        caListeners.forEach(l -> l.accept(instance));
        return ca;
    }

    private static void requireNewName(String name) {
        CertificatePolicy.requireName(name, "name");
        if (IssuingCa.DEFAULT.equalsIgnoreCase(name)) {
            throw ProvisioningException.conflict("'default' is the instance's generated CA; give another name.");
        }
    }

    private static ProvisioningException nameTaken(String name) {
        return ProvisioningException.conflict("Issuing CA '" + name + "' exists already; delete it first to replace"
                + " it.");
    }

    /**
     * The policy as leaves are issued from it: one stored without a CRL distribution point gets its CA's CRL URL here
     * (at every read, so a changed CRL address needs no policy change); one the operator gave a URL keeps it.
     */
    public CertificatePolicy withCrl(String instance, CertificatePolicy p) {
        if (p.crlDistributionPoint() != null) {
            return p;
        }
        String url = crls.url(instance, p.issuingCa());
        return url == null ? p : new CertificatePolicy(p.name(), p.issuingCa(), p.validityDays(), p.keyTypes(), url,
                p.etag());
    }
}
