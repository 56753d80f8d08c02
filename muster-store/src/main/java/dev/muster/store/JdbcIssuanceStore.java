package dev.muster.store;

import dev.muster.core.issuance.CaKey;
import dev.muster.core.issuance.CertificatePolicy;
import dev.muster.core.issuance.Pkcs11Uri;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.issuance.IssuedCertificate;
import dev.muster.core.issuance.IssuingCa;
import dev.muster.core.x509.Certificates;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Certificate policies (public JSON documents), issuing CAs (certificates public, private key sealed) and the
 * inventory of issued certificates, per instance.
 */
final class JdbcIssuanceStore implements IssuanceStore {
    private final Jdbc jdbc;
    private final SecretBox box;

    JdbcIssuanceStore(Jdbc jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    @Override
    public List<CertificatePolicy> policies(String instance) {
        return jdbc.list("SELECT doc FROM certificate_policies WHERE instance = ? ORDER BY name_key",
                row -> Documents.read(row.getString("doc"), CertificatePolicy.class), instance);
    }

    @Override
    public Optional<CertificatePolicy> policy(String instance, String name) {
        return jdbc.one("SELECT doc FROM certificate_policies WHERE instance = ? AND name_key = ?",
                row -> Documents.read(row.getString("doc"), CertificatePolicy.class), instance,
                CertificatePolicy.key(name));
    }

    @Override
    public boolean insertPolicy(String instance, CertificatePolicy policy) {
        return jdbc.insertIfAbsent("INSERT INTO certificate_policies (instance, name_key, doc) VALUES (?, ?, ?)",
                instance, CertificatePolicy.key(policy.name()), Documents.write(policy));
    }

    @Override
    public Optional<IssuingCa> issuingCa(String instance, String name) {
        return jdbc.one("SELECT * FROM issuing_cas WHERE instance = ? AND name_key = ?", this::issuingCa, instance,
                CertificatePolicy.key(name));
    }

    @Override
    public boolean insertIssuingCa(String instance, IssuingCa ca) {
        // A token's key is never stored: only its URI and the sealed PIN.
        CaKey.Token token = ca.key() instanceof CaKey.Token t ? t : null;
        return jdbc.insertIfAbsent("INSERT INTO issuing_cas (instance, name_key, name, certificates, private_key, kind,"
                        + " key_uri, key_pin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", instance, CertificatePolicy.key(ca.name()),
                ca.name(), Certificates.pem(ca.chain()), token != null ? null : box.seal(Certificates.pem(ca.privateKey())),
                ca.kind().wire(), token == null ? null : token.uri().toString(), token == null ? null : box.seal(token.pin()));
    }

    @Override
    public void recordIssued(String instance, IssuedCertificate c) {
        jdbc.update("INSERT INTO issued_certificates (instance, ca_key, serial, registration_key, registration_id,"
                        + " thumbprint, not_after, policy, issuing_ca, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                instance, CertificatePolicy.key(c.issuingCa()), c.serialNumber(), Documents.key(c.registrationId()),
                c.registrationId(), c.sha256Thumbprint(), c.notAfter(), c.policyName(), c.issuingCa(), c.issuedAt());
        if (c.revokedAt() != null) {
            revoke(instance, c.issuingCa(), c.serialNumber(), c.revokedAt());
        }
    }

    @Override
    public List<IssuedCertificate> issuedTo(String instance, String registrationId) {
        return jdbc.list("SELECT * FROM issued_certificates WHERE instance = ? AND registration_key = ?"
                        + " ORDER BY issued_at DESC, serial",
                row -> new IssuedCertificate(row.getString("registration_id"), row.getString("serial"),
                        row.getString("thumbprint"), Jdbc.instant(row, "not_after"), row.getString("policy"),
                        row.getString("issuing_ca"), Jdbc.instant(row, "issued_at"), Jdbc.instant(row, "revoked_at")),
                instance, Documents.key(registrationId));
    }

    @Override
    public boolean revoke(String instance, String issuingCa, String serialNumber, Instant at) {
        // Conditional: of two nodes revoking at once, one records the time and the other learns it was revoked.
        return jdbc.update("UPDATE issued_certificates SET revoked_at = ? WHERE instance = ? AND ca_key = ?"
                        + " AND serial = ? AND revoked_at IS NULL", at, instance, CertificatePolicy.key(issuingCa),
                serialNumber.toUpperCase(java.util.Locale.ROOT)) == 1;
    }

    @Override
    public List<IssuingCa> issuingCas(String instance) {
        return jdbc.list("SELECT * FROM issuing_cas WHERE instance = ? ORDER BY name_key", this::issuingCa, instance);
    }

    @Override
    public boolean deleteIssuingCa(String instance, String name) {
        return jdbc.update("DELETE FROM issuing_cas WHERE instance = ? AND name_key = ?", instance,
                CertificatePolicy.key(name)) == 1;
    }

    private IssuingCa issuingCa(java.sql.ResultSet row) throws java.sql.SQLException {
        List<X509Certificate> chain = Certificates.parseAll(row.getString("certificates"), "issuing CA");
        String uri = row.getString("key_uri");
        CaKey key = uri != null
                ? new CaKey.Token(Pkcs11Uri.parse(uri), box.open(row.getString("key_pin")), null)
                : new CaKey.Local(Certificates.readPrivateKey(box.open(row.getString("private_key")), "issuing CA key"));
        return new IssuingCa(row.getString("name"), IssuingCa.Kind.parse(row.getString("kind")), chain.get(0),
                chain.subList(1, chain.size()), key);
    }
}
