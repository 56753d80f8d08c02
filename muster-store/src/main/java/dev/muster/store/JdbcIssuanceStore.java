package dev.muster.store;

import dev.muster.core.issuance.CertificatePolicy;
import dev.muster.core.issuance.InventoryCursor;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.issuance.IssuedCertificate;
import dev.muster.core.issuance.IssuingCa;
import dev.muster.core.x509.Certificates;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
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
        return jdbc.insertIfAbsent("INSERT INTO certificate_policies (instance, name_key, doc, etag) VALUES (?, ?, ?, ?)",
                instance, CertificatePolicy.key(policy.name()), Documents.write(policy), policy.etag());
    }

    @Override
    public Optional<IssuingCa> issuingCa(String instance, String name) {
        return jdbc.one("SELECT name, certificates, private_key FROM issuing_cas WHERE instance = ? AND name_key = ?",
                row -> {
                    List<X509Certificate> chain = Certificates.parseAll(row.getString("certificates"), "issuing CA");
                    return new IssuingCa(row.getString("name"), chain.get(0), chain.subList(1, chain.size()),
                            Certificates.readPrivateKey(box.open(row.getString("private_key")), "issuing CA key"));
                }, instance, CertificatePolicy.key(name));
    }

    @Override
    public boolean insertIssuingCa(String instance, IssuingCa ca) {
        return jdbc.insertIfAbsent("INSERT INTO issuing_cas (instance, name_key, name, certificates, private_key)"
                        + " VALUES (?, ?, ?, ?, ?)", instance, CertificatePolicy.key(ca.name()), ca.name(),
                Certificates.pem(ca.chain()), box.seal(Certificates.pem(ca.privateKey())));
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
                        + " ORDER BY issued_at DESC, serial", JdbcIssuanceStore::issued,
                instance, Documents.key(registrationId));
    }

    @Override
    public boolean revoke(String instance, String issuingCa, String serialNumber, Instant at) {
        // Conditional: of two nodes revoking at once, one records the time and the other learns it was revoked.
        return jdbc.update("UPDATE issued_certificates SET revoked_at = ? WHERE instance = ? AND ca_key = ?"
                        + " AND serial = ? AND revoked_at IS NULL", at, instance, CertificatePolicy.key(issuingCa),
                serialNumber.toUpperCase(java.util.Locale.ROOT)) == 1;
    }

    // ---- operating policies (schema V23) ---------------------------------------------------------------------------

    @Override
    public boolean replacePolicy(String instance, CertificatePolicy policy, String expectedEtag) {
        // Conditional on the etag read: of two nodes replacing from the same read, one updates and the other learns
        // the policy changed. A policy stored before V23 has no etag; the first replacement gives it one.
        String sql = "UPDATE certificate_policies SET doc = ?, etag = ? WHERE instance = ? AND name_key = ? AND "
                + (expectedEtag == null ? "etag IS NULL" : "etag = ?");
        Object[] params = expectedEtag == null
                ? new Object[] {Documents.write(policy), policy.etag(), instance, CertificatePolicy.key(policy.name())}
                : new Object[] {Documents.write(policy), policy.etag(), instance, CertificatePolicy.key(policy.name()),
                        expectedEtag};
        return jdbc.update(sql, params) == 1;
    }

    @Override
    public boolean deletePolicy(String instance, String name, String expectedEtag) {
        String sql = "DELETE FROM certificate_policies WHERE instance = ? AND name_key = ? AND "
                + (expectedEtag == null ? "etag IS NULL" : "etag = ?");
        Object[] params = expectedEtag == null ? new Object[] {instance, CertificatePolicy.key(name)}
                : new Object[] {instance, CertificatePolicy.key(name), expectedEtag};
        return jdbc.update(sql, params) == 1;
    }

    @Override
    public List<IssuedCertificate> issuedUnder(String instance, String policyName, InventoryCursor after, int limit) {
        // Keyset page on (issued_at DESC, ca_key, serial), read through issued_certificates_by_policy.
        StringBuilder sql = new StringBuilder("SELECT * FROM issued_certificates WHERE instance = ? AND policy = ?");
        List<Object> params = new ArrayList<>(List.of(instance, policyName));
        if (after != null) {
            sql.append(" AND (issued_at < ? OR (issued_at = ? AND (ca_key > ? OR (ca_key = ? AND serial > ?))))");
            params.addAll(List.of(after.issuedAt(), after.issuedAt(), after.issuingCaKey(), after.issuingCaKey(),
                    after.serialNumber()));
        }
        sql.append(" ORDER BY issued_at DESC, ca_key, serial LIMIT ?");
        params.add(Math.max(0, limit));
        return jdbc.list(sql.toString(), JdbcIssuanceStore::issued, params.toArray());
    }

    private static IssuedCertificate issued(java.sql.ResultSet row) throws java.sql.SQLException {
        return new IssuedCertificate(row.getString("registration_id"), row.getString("serial"),
                row.getString("thumbprint"), Jdbc.instant(row, "not_after"), row.getString("policy"),
                row.getString("issuing_ca"), Jdbc.instant(row, "issued_at"), Jdbc.instant(row, "revoked_at"));
    }
}
