package dev.muster.store;

import dev.muster.core.x509.CaCertificate;
import dev.muster.core.x509.CertificateStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** CA certificates of each instance: one public (unsealed) document per lower-cased name, swapped on its etag. */
final class JdbcCertificateStore implements CertificateStore {
    private final Jdbc jdbc;

    JdbcCertificateStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<CaCertificate> certificates(String instance) {
        return jdbc.list("SELECT doc FROM ca_certificates WHERE instance = ? ORDER BY name_key",
                row -> Documents.read(row.getString("doc"), CaCertificate.class), instance);
    }

    @Override
    public Optional<CaCertificate> certificate(String instance, String name) {
        return jdbc.one("SELECT doc FROM ca_certificates WHERE instance = ? AND name_key = ?",
                row -> Documents.read(row.getString("doc"), CaCertificate.class), instance, Documents.key(name));
    }

    @Override
    public boolean insertCertificate(String instance, CaCertificate certificate) {
        return jdbc.insertIfAbsent("INSERT INTO ca_certificates (instance, name_key, etag, doc) VALUES (?, ?, ?, ?)",
                instance, Documents.key(Objects.requireNonNull(certificate.name(), "name")), certificate.etag(),
                Documents.write(certificate));
    }

    @Override
    public boolean replaceCertificate(String instance, CaCertificate certificate, String expectedEtag) {
        return jdbc.update("UPDATE ca_certificates SET etag = ?, doc = ? WHERE instance = ? AND name_key = ? AND etag = ?",
                certificate.etag(), Documents.write(certificate), instance, Documents.key(certificate.name()),
                expectedEtag) == 1;
    }

    @Override
    public boolean deleteCertificate(String instance, String name, String expectedEtag) {
        return expectedEtag == null
                ? jdbc.update("DELETE FROM ca_certificates WHERE instance = ? AND name_key = ?", instance,
                        Documents.key(name)) == 1
                : jdbc.update("DELETE FROM ca_certificates WHERE instance = ? AND name_key = ? AND etag = ?", instance,
                        Documents.key(name), expectedEtag) == 1;
    }
}
