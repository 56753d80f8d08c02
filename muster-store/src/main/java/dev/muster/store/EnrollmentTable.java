package dev.muster.store;

import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.enrollment.EnrollmentQuery;
import dev.muster.core.enrollment.EnrollmentTags;
import dev.muster.core.issuance.CertificatePolicy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One enrollment-shaped table: a document per (instance, lower-cased ID), swapped on its etag. What queries filter on
 * (attestation type, provisioning status, tags) is copied out of the sealed document into columns on every write,
 * and each scalar tag into a row of {@code enrollment_tags} (schema V6) in the same transaction.
 */
final class EnrollmentTable<T extends Enrollment> {
    private static final char PAIR = '\u001f';
    private static final char EQUALS = '\u001e';
    private static final int BACKFILL_BATCH = 500;
    /** Longest tag path or value, in UTF-8 bytes, that {@code enrollment_tags} holds (V6 declares 512 characters). */
    static final int MAX_INDEXED_TAG_BYTES = 512;
    private static final String TAGS_INSERT = "INSERT INTO enrollment_tags (instance, kind, tag_path, tag_value, id_key,"
            + " attestation_type, provisioning_status) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String TAGS_DELETE = "DELETE FROM enrollment_tags WHERE instance = ? AND kind = ? AND id_key = ?";

    private final Jdbc jdbc;
    private final Jdbc.RowMapper<T> document;
    private final String table;
    /** This table's rows in {@code enrollment_tags}: 'e' enrollments, 'g' groups. */
    private final String kind;
    private final String select;
    private final String insert;
    private final String replace;
    private final String delete;
    private final String deleteIfEtag;
    private final String byAttestation;

    private final SecretBox box;
    private final Class<T> type;

    /** Enrollment documents carry attestation keys, so they are always sealed. */
    EnrollmentTable(Jdbc jdbc, String table, Class<T> type, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
        this.type = type;
        this.table = table;
        this.kind = table.equals("enrollments") ? "e" : "g";
        this.document = row -> Documents.readSealed(box, row.getString("doc"), type);
        this.select = "SELECT doc FROM " + table + " WHERE instance = ? AND id_key = ?";
        this.insert = "INSERT INTO " + table + " (instance, id_key, etag, attestation_type, provisioning_status, tag_pairs,"
                + " doc, credential_policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        this.replace = "UPDATE " + table + " SET etag = ?, attestation_type = ?, provisioning_status = ?, tag_pairs = ?,"
                + " doc = ?, credential_policy = ? WHERE instance = ? AND id_key = ? AND etag = ?";
        this.delete = "DELETE FROM " + table + " WHERE instance = ? AND id_key = ?";
        this.deleteIfEtag = delete + " AND etag = ?";
        this.byAttestation = "SELECT doc FROM " + table + " WHERE instance = ? AND attestation_type = ? ORDER BY id_key";
    }

    Optional<T> get(String instance, String id) {
        return jdbc.one(select, document, instance, Documents.key(id));
    }

    boolean insert(String instance, String id, String etag, T doc) {
        String key = Documents.key(id);
        String sealed = Documents.writeSealed(box, doc);
        return jdbc.transaction(c -> {
            Jdbc.update(c, insert, instance, key, etag, EnrollmentQuery.attestationType(doc), status(doc), tagPairs(doc),
                    sealed, credentialPolicy(doc));
            writeTags(c, instance, key, doc);
            return true;
        }, false);
    }

    boolean replace(String instance, String id, String etag, T doc, String expectedEtag) {
        String key = Documents.key(id);
        String sealed = Documents.writeSealed(box, doc);
        return jdbc.transaction(c -> {
            if (Jdbc.update(c, replace, etag, EnrollmentQuery.attestationType(doc), status(doc), tagPairs(doc), sealed,
                    credentialPolicy(doc), instance, key, expectedEtag) != 1) {
                return false;
            }
            // The row is locked by the update until commit: no other writer interleaves its pairs.
            Jdbc.update(c, TAGS_DELETE, instance, kind, key);
            writeTags(c, instance, key, doc);
            return true;
        }, false);
    }

    boolean delete(String instance, String id, String expectedEtag) {
        String key = Documents.key(id);
        return jdbc.transaction(c -> {
            int deleted = expectedEtag == null
                    ? Jdbc.update(c, delete, instance, key)
                    : Jdbc.update(c, deleteIfEtag, instance, key, expectedEtag);
            if (deleted != 1) {
                return false;
            }
            Jdbc.update(c, TAGS_DELETE, instance, kind, key);
            return true;
        }, false);
    }

    private void writeTags(Connection c, String instance, String key, Enrollment doc) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<String, String> tag : EnrollmentTags.of(doc).entrySet()) {
            if (indexable(tag.getKey(), tag.getValue())) {
                rows.add(new Object[] {instance, kind, tag.getKey(), tag.getValue(), key,
                        EnrollmentQuery.attestationType(doc), status(doc)});
            }
        }
        Jdbc.batch(c, TAGS_INSERT, rows);
    }

    /** Whether {@code enrollment_tags} holds this pair (else a query on it matches {@code tag_pairs} with LIKE). */
    static boolean indexable(String path, String value) {
        return path.getBytes(StandardCharsets.UTF_8).length <= MAX_INDEXED_TAG_BYTES
                && value.getBytes(StandardCharsets.UTF_8).length <= MAX_INDEXED_TAG_BYTES;
    }

    /**
     * Keyset page in ID order of the rows that match every condition of {@code query}, in one statement. Without a
     * tag condition the rows are read in key order (through the attestation or status index if filtered on those).
     * With one, {@code enrollment_tags} drives: its key (instance, kind, path, value, ID) gives the tag's IDs in
     * order from the cursor; attestation type and status are checked on the copies its rows carry, further tags by
     * a lookup of its key, so only the page's rows are read. A tag whose path or value is too long for the index is
     * matched on {@code tag_pairs} with LIKE (on the driving tag's rows, or on every row if it is the only tag).
     */
    List<T> page(String instance, EnrollmentQuery query, String afterId, int limit) {
        String after = afterId == null ? null : Documents.key(afterId);
        int n = Math.max(0, limit);
        EnrollmentQuery.Condition driver = query.conditions().stream()
                .filter(c -> c.field() == EnrollmentQuery.Field.TAG && indexable(c.tag(), c.value()))
                .findFirst().orElse(null);
        if (driver == null || n == 0) {
            return scan(instance, query.conditions(), after, n);
        }
        StringBuilder sql = new StringBuilder("SELECT doc FROM ").append(table)
                .append(" WHERE instance = ? AND id_key IN (SELECT t.id_key FROM enrollment_tags t WHERE t.instance = ?")
                .append(" AND t.kind = ? AND t.tag_path = ? AND t.tag_value = ?");
        List<Object> params = new ArrayList<>(List.of(instance, instance, kind, driver.tag(), driver.value()));
        if (after != null) {
            sql.append(" AND t.id_key > ?");
            params.add(after);
        }
        for (EnrollmentQuery.Condition c : query.conditions()) {
            if (c == driver) {
                continue;
            }
            String row = " AND EXISTS (SELECT 1 FROM " + table + " r WHERE r.instance = t.instance AND r.id_key = t.id_key";
            switch (c.field()) {
                case ATTESTATION_TYPE -> {
                    sql.append(" AND t.attestation_type = ?");
                    params.add(c.value());
                }
                case PROVISIONING_STATUS -> {
                    sql.append(" AND t.provisioning_status = ?");
                    params.add(c.value());
                }
                case TAG -> {
                    if (indexable(c.tag(), c.value())) {
                        sql.append(" AND EXISTS (SELECT 1 FROM enrollment_tags u WHERE u.instance = t.instance")
                                .append(" AND u.kind = t.kind AND u.tag_path = ? AND u.tag_value = ? AND u.id_key = t.id_key)");
                        params.add(c.tag());
                        params.add(c.value());
                    } else {
                        sql.append(row).append(" AND r.tag_pairs LIKE ? ESCAPE '!')");
                        params.add(likePattern(c));
                    }
                }
            }
        }
        sql.append(" ORDER BY t.id_key LIMIT ?) ORDER BY id_key");
        params.add(n);
        return jdbc.list(sql.toString(), document, params.toArray());
    }

    /** The rows in key order from the cursor, each condition checked on the row (tags by LIKE on tag_pairs). */
    private List<T> scan(String instance, List<EnrollmentQuery.Condition> conditions, String after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT doc FROM ").append(table).append(" WHERE instance = ?");
        List<Object> params = new ArrayList<>();
        params.add(instance);
        if (after != null) {
            sql.append(" AND id_key > ?");
            params.add(after);
        }
        where(sql, params, conditions);
        sql.append(" ORDER BY id_key LIMIT ?");
        params.add(limit);
        return jdbc.list(sql.toString(), document, params.toArray());
    }

    private static void where(StringBuilder sql, List<Object> params, List<EnrollmentQuery.Condition> conditions) {
        for (EnrollmentQuery.Condition c : conditions) {
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
                    params.add(likePattern(c));
                }
            }
        }
    }

    List<T> byAttestation(String instance, String attestationTypeKey) {
        return jdbc.list(byAttestation, document, instance, attestationTypeKey);
    }

    /**
     * Fills the query columns of rows written before they existed (schema V5), once per database (migration V7,
     * {@link EnrollmentBackfill}): the documents are sealed, so only code with the key can read them. Safe to run
     * on several nodes at once.
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

    /**
     * Writes the {@code enrollment_tags} rows of rows written before that table existed (schema V6), once per
     * database (migration V8), in batches in key order. Each batch locks its rows while it rewrites their pairs, so
     * a concurrent replace or delete (which locks the row too) never has its pairs overwritten by an older
     * document's, and several nodes may run it at once.
     */
    void backfillTags() {
        String name = table + "_tags";
        if (jdbc.one("SELECT name FROM store_backfills WHERE name = ?", row -> row.getString(1), name).isPresent()) {
            return;
        }
        String first = "SELECT instance, id_key, doc FROM " + table + " ORDER BY instance, id_key LIMIT "
                + BACKFILL_BATCH + " FOR UPDATE";
        String next = "SELECT instance, id_key, doc FROM " + table + " WHERE instance > ? OR (instance = ? AND id_key > ?)"
                + " ORDER BY instance, id_key LIMIT " + BACKFILL_BATCH + " FOR UPDATE";
        String[] done = {};
        String[] cursor = null;
        while (true) {
            String[] from = cursor;
            String[] last = jdbc.transaction(c -> {
                List<Object[]> rows = from == null
                        ? Jdbc.list(c, first, row -> new Object[] {row.getString(1), row.getString(2), row.getString(3)})
                        : Jdbc.list(c, next, row -> new Object[] {row.getString(1), row.getString(2), row.getString(3)},
                                from[0], from[0], from[1]);
                for (Object[] r : rows) {
                    String instance = (String) r[0];
                    String key = (String) r[1];
                    Jdbc.update(c, TAGS_DELETE, instance, kind, key);
                    writeTags(c, instance, key, Documents.readSealed(box, (String) r[2], type));
                }
                if (rows.size() < BACKFILL_BATCH) {
                    return done;
                }
                Object[] end = rows.get(rows.size() - 1);
                return new String[] {(String) end[0], (String) end[1]};
            }, null);
            if (last == null) {
                throw new StoreException("Filling in the tag index of " + table + " met a duplicate pair; retry.");
            }
            if (last == done) {
                break;
            }
            cursor = last;
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

    private static String likePattern(EnrollmentQuery.Condition tag) {
        return "%" + PAIR + likeLiteral(tag.tag()) + EQUALS + likeLiteral(tag.value()) + PAIR + "%";
    }

    private static String likeLiteral(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    // ---- credentialPolicyName (schema V23) ------------------------------------------------------------------------

    /** The lower-cased policy name, copied out of the sealed document so a policy in use can be counted. */
    private static String credentialPolicy(Enrollment doc) {
        String name = doc.credentialPolicyName();
        return name == null || name.isBlank() ? null : CertificatePolicy.key(name);
    }

    /** Rows of the instance naming the policy, in one count on {@code (instance, credential_policy)}. */
    long countNaming(String instance, String policyName) {
        return jdbc.one("SELECT COUNT(*) FROM " + table + " WHERE instance = ? AND credential_policy = ?",
                row -> row.getLong(1), instance, CertificatePolicy.key(policyName)).orElse(0L);
    }
}
