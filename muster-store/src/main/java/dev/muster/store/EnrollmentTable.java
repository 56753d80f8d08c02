package dev.muster.store;

import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.enrollment.EnrollmentQuery;
import dev.muster.core.enrollment.EnrollmentTags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One enrollment-shaped table: a document per (instance, lower-cased ID), swapped on its etag. What queries filter on
 * (attestation type, provisioning status, tags) is copied out of the sealed document into columns on every write.
 */
final class EnrollmentTable<T extends Enrollment> {
    private static final char PAIR = '\u001f';
    private static final char EQUALS = '\u001e';
    private static final int BACKFILL_BATCH = 500;

    private final Jdbc jdbc;
    private final Jdbc.RowMapper<T> document;
    private final String table;
    private final String select;
    private final String insert;
    private final String replace;
    private final String delete;
    private final String deleteIfEtag;
    private final String byAttestation;

    private final SecretBox box;

    /** Enrollment documents carry attestation keys, so they are always sealed. */
    EnrollmentTable(Jdbc jdbc, String table, Class<T> type, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
        this.table = table;
        this.document = row -> Documents.readSealed(box, row.getString("doc"), type);
        this.select = "SELECT doc FROM " + table + " WHERE instance = ? AND id_key = ?";
        this.insert = "INSERT INTO " + table + " (instance, id_key, etag, attestation_type, provisioning_status, tag_pairs,"
                + " doc) VALUES (?, ?, ?, ?, ?, ?, ?)";
        this.replace = "UPDATE " + table + " SET etag = ?, attestation_type = ?, provisioning_status = ?, tag_pairs = ?,"
                + " doc = ? WHERE instance = ? AND id_key = ? AND etag = ?";
        this.delete = "DELETE FROM " + table + " WHERE instance = ? AND id_key = ?";
        this.deleteIfEtag = delete + " AND etag = ?";
        this.byAttestation = "SELECT doc FROM " + table + " WHERE instance = ? AND attestation_type = ? ORDER BY id_key";
    }

    Optional<T> get(String instance, String id) {
        return jdbc.one(select, document, instance, Documents.key(id));
    }

    boolean insert(String instance, String id, String etag, T doc) {
        return jdbc.insertIfAbsent(insert, instance, Documents.key(id), etag, EnrollmentQuery.attestationType(doc),
                status(doc), tagPairs(doc), Documents.writeSealed(box, doc));
    }

    boolean replace(String instance, String id, String etag, T doc, String expectedEtag) {
        return jdbc.update(replace, etag, EnrollmentQuery.attestationType(doc), status(doc), tagPairs(doc),
                Documents.writeSealed(box, doc), instance, Documents.key(id), expectedEtag) == 1;
    }

    boolean delete(String instance, String id, String expectedEtag) {
        return expectedEtag == null
                ? jdbc.update(delete, instance, Documents.key(id)) == 1
                : jdbc.update(deleteIfEtag, instance, Documents.key(id), expectedEtag) == 1;
    }

    /**
     * Keyset page in ID order of the rows that match every condition of {@code query}, all of it in one SQL statement.
     * Attestation type and status are indexed; a tag condition is a LIKE no index serves, so the database reads rows in
     * key order until the page is full: cheap for common tags, about 100 rows read per row returned for a tag on 1% of
     * the rows (measured over 1,000,000 enrollments: ~10 ms a page on PostgreSQL, seconds on H2, whose row reads in key
     * order are slow once the table outgrows its cache; see docs/benchmarks.md).
     */
    List<T> page(String instance, EnrollmentQuery query, String afterId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT doc FROM ").append(table).append(" WHERE instance = ?");
        List<Object> params = new ArrayList<>();
        params.add(instance);
        if (afterId != null) {
            sql.append(" AND id_key > ?");
            params.add(Documents.key(afterId));
        }
        for (EnrollmentQuery.Condition c : query.conditions()) {
            switch (c.field()) {
                case ATTESTATION_TYPE -> {
                    sql.append(" AND attestation_type = ?");
                    params.add(c.value());
                }
                case PROVISIONING_STATUS -> {
                    sql.append(" AND provisioning_status = ?");
                    params.add(c.value());
                }
                case TAG -> {
                    sql.append(" AND tag_pairs LIKE ? ESCAPE '!'");
                    params.add("%" + PAIR + likeLiteral(c.tag()) + EQUALS + likeLiteral(c.value()) + PAIR + "%");
                }
            }
        }
        sql.append(" ORDER BY id_key LIMIT ?");
        params.add(Math.max(0, limit));
        return jdbc.list(sql.toString(), document, params.toArray());
    }

    List<T> byAttestation(String instance, String attestationTypeKey) {
        return jdbc.list(byAttestation, document, instance, attestationTypeKey);
    }

    /**
     * Fills the query columns of rows written before they existed (schema V5), once per database: the documents are
     * sealed, so only the store can read them. Safe to run on several nodes at once.
     */
    void backfillQueryColumns() {
        String name = table + "_query_columns";
        if (jdbc.one("SELECT name FROM store_backfills WHERE name = ?", row -> row.getString(1), name).isPresent()) {
            return;
        }
        String pending = "SELECT instance, id_key, doc FROM " + table + " WHERE tag_pairs IS NULL LIMIT " + BACKFILL_BATCH;
        String fill = "UPDATE " + table + " SET provisioning_status = ?, tag_pairs = ?"
                + " WHERE instance = ? AND id_key = ? AND tag_pairs IS NULL";
        while (true) {
            List<Object[]> rows = jdbc.list(pending, row -> new Object[] {row.getString("instance"),
                    row.getString("id_key"), document.map(row)});
            for (Object[] r : rows) {
                @SuppressWarnings("unchecked") T doc = (T) r[2];
                jdbc.update(fill, status(doc), tagPairs(doc), r[0], r[1]);
            }
            if (rows.size() < BACKFILL_BATCH) {
                break;
            }
        }
        jdbc.insertIfAbsent("INSERT INTO store_backfills (name, done_at) VALUES (?, ?)", name, Instant.now());
    }

    private static String status(Enrollment doc) {
        return doc.isEnabled() ? "enabled" : "disabled";
    }

    /** {@code ␟path␞value␟path␞value␟}: one LIKE pattern finds a pair whatever else the tags hold. */
    static String tagPairs(Enrollment doc) {
        StringBuilder s = new StringBuilder().append(PAIR);
        for (Map.Entry<String, String> tag : EnrollmentTags.of(doc).entrySet()) {
            s.append(tag.getKey()).append(EQUALS).append(tag.getValue()).append(PAIR);
        }
        return s.toString();
    }

    private static String likeLiteral(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
