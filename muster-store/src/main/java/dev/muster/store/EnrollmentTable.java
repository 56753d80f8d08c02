package dev.muster.store;

import java.util.List;
import java.util.Optional;

/** One enrollment-shaped table: a document per (instance, lower-cased ID), swapped on its etag. */
final class EnrollmentTable<T> {
    private final Jdbc jdbc;
    private final Jdbc.RowMapper<T> document;
    private final String select;
    private final String insert;
    private final String replace;
    private final String delete;
    private final String deleteIfEtag;
    private final String firstPage;
    private final String nextPage;
    private final String byAttestation;

    private final SecretBox box;

    /** Enrollment documents carry attestation keys, so they are always sealed. */
    EnrollmentTable(Jdbc jdbc, String table, Class<T> type, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
        this.document = row -> Documents.readSealed(box, row.getString("doc"), type);
        this.select = "SELECT doc FROM " + table + " WHERE instance = ? AND id_key = ?";
        this.insert = "INSERT INTO " + table + " (instance, id_key, etag, attestation_type, doc) VALUES (?, ?, ?, ?, ?)";
        this.replace = "UPDATE " + table + " SET etag = ?, attestation_type = ?, doc = ?"
                + " WHERE instance = ? AND id_key = ? AND etag = ?";
        this.delete = "DELETE FROM " + table + " WHERE instance = ? AND id_key = ?";
        this.deleteIfEtag = delete + " AND etag = ?";
        this.firstPage = "SELECT doc FROM " + table + " WHERE instance = ? ORDER BY id_key LIMIT ?";
        this.nextPage = "SELECT doc FROM " + table + " WHERE instance = ? AND id_key > ? ORDER BY id_key LIMIT ?";
        this.byAttestation = "SELECT doc FROM " + table + " WHERE instance = ? AND attestation_type = ? ORDER BY id_key";
    }

    Optional<T> get(String instance, String id) {
        return jdbc.one(select, document, instance, Documents.key(id));
    }

    boolean insert(String instance, String id, String etag, String attestationType, T doc) {
        return jdbc.insertIfAbsent(insert, instance, Documents.key(id), etag, attestationType, Documents.writeSealed(box, doc));
    }

    boolean replace(String instance, String id, String etag, String attestationType, T doc, String expectedEtag) {
        return jdbc.update(replace, etag, attestationType, Documents.writeSealed(box, doc), instance, Documents.key(id),
                expectedEtag) == 1;
    }

    boolean delete(String instance, String id, String expectedEtag) {
        return expectedEtag == null
                ? jdbc.update(delete, instance, Documents.key(id)) == 1
                : jdbc.update(deleteIfEtag, instance, Documents.key(id), expectedEtag) == 1;
    }

    List<T> page(String instance, String afterId, int limit) {
        int n = Math.max(0, limit);
        return afterId == null
                ? jdbc.list(firstPage, document, instance, n)
                : jdbc.list(nextPage, document, instance, Documents.key(afterId), n);
    }

    List<T> byAttestation(String instance, String attestationTypeKey) {
        return jdbc.list(byAttestation, document, instance, attestationTypeKey);
    }
}
