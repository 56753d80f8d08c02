package dev.muster.store;

import dev.muster.core.issuance.CaKey;
import dev.muster.core.issuance.CertificatePolicy;
import dev.muster.core.issuance.Pkcs11Uri;
import dev.muster.core.issuance.InventoryCursor;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.issuance.IssuedCertificate;
import dev.muster.core.issuance.IssuingCa;
import dev.muster.core.issuance.PublishedCrl;
import dev.muster.core.issuance.Revocation;
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
        return certificates("registration_key = ? ORDER BY issued_at DESC, serial", instance,
                Documents.key(registrationId));
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

    // --- CRLs, revocation polling and the expiring-soon count ---

    @Override
    public List<IssuedCertificate> revokedBy(String instance, String issuingCa) {
        return certificates("ca_key = ? AND revoked_at IS NOT NULL ORDER BY revoked_at, serial", instance,
                CertificatePolicy.key(issuingCa));
    }

    @Override
    public int revokedCount(String instance, String issuingCa) {
        return jdbc.one("SELECT COUNT(*) AS n FROM issued_certificates WHERE instance = ? AND ca_key = ?"
                        + " AND revoked_at IS NOT NULL", row -> row.getInt("n"), instance,
                CertificatePolicy.key(issuingCa)).orElse(0);
    }

    @Override
    public Optional<PublishedCrl> crl(String instance, String issuingCa) {
        return jdbc.one("SELECT crl_number, this_update, next_update, revoked_count, der"
                        + " FROM certificate_revocation_lists WHERE instance = ? AND ca_key = ?",
                row -> new PublishedCrl(row.getLong("crl_number"), Jdbc.instant(row, "this_update"),
                        Jdbc.instant(row, "next_update"), row.getInt("revoked_count"),
                        java.util.Base64.getDecoder().decode(row.getString("der"))),
                instance, CertificatePolicy.key(issuingCa));
    }

    @Override
    public boolean publishCrl(String instance, String issuingCa, long previousNumber, PublishedCrl crl) {
        String der = java.util.Base64.getEncoder().encodeToString(crl.der());
        String ca = CertificatePolicy.key(issuingCa);
        if (previousNumber == 0) {
            return jdbc.insertIfAbsent("INSERT INTO certificate_revocation_lists (instance, ca_key, crl_number,"
                    + " revoked_count, this_update, next_update, der) VALUES (?, ?, ?, ?, ?, ?, ?)", instance, ca,
                    crl.number(), crl.revokedCount(), crl.thisUpdate(), crl.nextUpdate(), der);
        }
        // Conditional on the number read: a node that lost the race changes nothing and reads the winner's.
        return jdbc.update("UPDATE certificate_revocation_lists SET crl_number = ?, revoked_count = ?,"
                        + " this_update = ?, next_update = ?, der = ? WHERE instance = ? AND ca_key = ?"
                        + " AND crl_number = ?", crl.number(), crl.revokedCount(), crl.thisUpdate(),
                crl.nextUpdate(), der, instance, ca, previousNumber) == 1;
    }

    @Override
    public List<Revocation> revokedSince(Instant since) {
        return jdbc.list("SELECT instance, issuing_ca, serial, thumbprint, revoked_at FROM issued_certificates"
                        + " WHERE revoked_at > ? ORDER BY revoked_at",
                row -> new Revocation(row.getString("instance"), row.getString("issuing_ca"), row.getString("serial"),
                        row.getString("thumbprint"), Jdbc.instant(row, "revoked_at")), since);
    }

    @Override
    public java.util.Map<String, Long> expiringSoon(Instant now, Instant until) {
        // A newer certificate of the same registration (renewed, or revoked and re-issued) takes the older one's place.
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.list("SELECT c.instance, COUNT(*) AS n FROM issued_certificates c WHERE c.not_after > ?"
                        + " AND c.not_after <= ? AND c.revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM"
                        + " issued_certificates n WHERE n.instance = c.instance AND n.registration_key ="
                        + " c.registration_key AND n.issued_at > c.issued_at) GROUP BY c.instance",
                row -> counts.put(row.getString("instance"), row.getLong("n")), now, until);
        return counts;
    }

    /** An instance's certificates that meet {@code condition} (after the instance's, with its order). */
    private List<IssuedCertificate> certificates(String condition, Object... params) {
        return jdbc.list("SELECT * FROM issued_certificates WHERE instance = ? AND " + condition,
                JdbcIssuanceStore::issued, params);
    }

    private static IssuedCertificate issued(java.sql.ResultSet row) throws java.sql.SQLException {
        return new IssuedCertificate(row.getString("registration_id"), row.getString("serial"),
                row.getString("thumbprint"), Jdbc.instant(row, "not_after"), row.getString("policy"),
                row.getString("issuing_ca"), Jdbc.instant(row, "issued_at"), Jdbc.instant(row, "revoked_at"));
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
}
