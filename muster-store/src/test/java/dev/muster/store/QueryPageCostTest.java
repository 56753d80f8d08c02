package dev.muster.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.EnrollmentQuery;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.operations.UsageMeter;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Opt-in measurement, not part of the default suite: the cost of one service API query page (100 items, as
 * {@code x-ms-max-item-count: 100} asks) at the start, middle and end of 1,000,000 individual enrollments, through
 * {@link EnrollmentService} exactly as {@code POST /enrollments/query} calls it (SQL, decryption, JSON), plus
 * filtered pages. Run with
 * {@code MUSTER_QUERY_BENCH=h2 mvn -B -pl muster-core,muster-store verify -Dtest=QueryPageCostTest -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code MUSTER_QUERY_BENCH=postgresql} uses {@code MUSTER_TEST_POSTGRES_URL}/{@code _USER}/{@code _PASSWORD} and a
 * database {@code muster_query_bench} it creates; {@code MUSTER_QUERY_BENCH_ROWS} changes the count).
 */
@EnabledIfEnvironmentVariable(named = "MUSTER_QUERY_BENCH", matches = "h2|postgresql")
class QueryPageCostTest {
    private static final String INSTANCE = "bench";
    private static final int PAGE = 100;
    private static final int RUNS = 40;

    @Test
    void onePageCostsTheSameAtTheStartMiddleAndEndOfAMillionEnrollments() throws Exception {
        int rows = Integer.parseInt(System.getenv().getOrDefault("MUSTER_QUERY_BENCH_ROWS", "1000000"));
        boolean postgres = System.getenv("MUSTER_QUERY_BENCH").equals("postgresql");
        java.nio.file.Path dir = Files.createTempDirectory("muster-query-bench");
        try (Database db = postgres ? postgres() : Database.embedded(dir)) {
            SecretBox box = SecretBox.of(new byte[32]);
            long seedStart = System.nanoTime();
            seed(db, box, rows);
            log(String.format(Locale.ROOT, "%s: seeded %,d enrollments in %.1f s", db.dialect(), rows,
                    (System.nanoTime() - seedStart) / 1e9));
            explain(db, "SELECT doc FROM enrollments WHERE instance = ? AND id_key > ? ORDER BY id_key LIMIT ?",
                    INSTANCE, id(rows / 2), PAGE + 1);
            explain(db, "SELECT doc FROM enrollments WHERE instance = ? AND provisioning_status = ? ORDER BY id_key LIMIT ?",
                    INSTANCE, "disabled", PAGE + 1);
            explain(db, "SELECT doc FROM enrollments WHERE instance = ? AND id_key IN (SELECT id_key FROM enrollment_tags"
                    + " WHERE instance = ? AND kind = ? AND tag_path = ? AND tag_value = ? AND id_key > ? ORDER BY id_key"
                    + " LIMIT ?) ORDER BY id_key", INSTANCE, INSTANCE, "e", "building", "43", id(rows / 2), PAGE + 1);
            explain(db, "SELECT doc FROM enrollments WHERE instance = ? AND id_key IN (SELECT t.id_key FROM enrollment_tags t"
                    + " WHERE t.instance = ? AND t.kind = ? AND t.tag_path = ? AND t.tag_value = ? AND t.provisioning_status = ?"
                    + " ORDER BY t.id_key LIMIT ?) ORDER BY id_key", INSTANCE, INSTANCE, "e", "building", "43", "disabled",
                    PAGE + 1);
            Stores store = Stores.open(db, box);
            EnrollmentService service = new EnrollmentService(store.enrollments(), store.registrations(),
                    store.linkedHubs(), new UsageMeter(store.usage(), Clock.systemUTC()), Clock.systemUTC());

            report(service, "SELECT * FROM enrollments", null, "start");
            report(service, "SELECT * FROM enrollments", id(rows / 2), "middle");
            report(service, "SELECT * FROM enrollments", id(rows - PAGE - 1), "end");
            report(service, "SELECT * FROM enrollments WHERE provisioningStatus = 'disabled'", null, "start");
            report(service, "SELECT * FROM enrollments WHERE provisioningStatus = 'disabled'", id(rows / 2), "middle");
            report(service, "SELECT * FROM enrollments WHERE tags.building = '43'", null, "start");
            report(service, "SELECT * FROM enrollments WHERE tags.building = '43'", id(rows / 2), "middle");
            report(service, "SELECT * FROM enrollments WHERE tags.building = '43' AND provisioningStatus = 'disabled'",
                    null, "start");
            report(service, "SELECT * FROM enrollments WHERE tags.building = '43' AND provisioningStatus = 'enabled'",
                    null, "start");
            report(service, "SELECT * FROM enrollments WHERE tags.building = '43' AND tags.floor = 3", null, "start");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String id(int n) {
        return String.format(Locale.ROOT, "bench-%07d", n);
    }

    private static final java.nio.file.Path RESULTS = java.nio.file.Path.of("target", "query-page-cost.txt");

    /** Results go to target/query-page-cost.txt as they come, since surefire shows stdout only at the end. */
    private static void log(String line) {
        System.out.println(line);
        try {
            Files.writeString(RESULTS, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void explain(Database db, String sql, Object... params) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    log("  plan: " + rs.getString(1).replaceAll("\\s+", " "));
                }
            }
        }
    }

    private static void report(EnrollmentService service, String text, String after, String where) {
        EnrollmentQuery query = EnrollmentQuery.parse(text, "enrollments");
        List<IndividualEnrollment> page = List.of();
        for (int i = 0; i < 3; i++) {
            page = service.enrollments(INSTANCE, query, after, PAGE + 1);
        }
        // Up to RUNS timed pages, but no more than about 20 s of them (a slow filter gets fewer runs).
        double[] ms = new double[RUNS];
        int n = 0;
        long budget = System.nanoTime() + 20_000_000_000L;
        while (n < RUNS && (n < 5 || System.nanoTime() < budget)) {
            long t = System.nanoTime();
            page = service.enrollments(INSTANCE, query, after, PAGE + 1);
            ms[n++] = (System.nanoTime() - t) / 1e6;
        }
        double[] runs = Arrays.copyOf(ms, n);
        Arrays.sort(runs);
        assertThat(page).allSatisfy(e -> assertThat(query.matches(e)).isTrue());
        log(String.format(Locale.ROOT, "%-90s %-6s rows=%3d runs=%2d  median %8.2f ms  p90 %8.2f ms  min %8.2f ms",
                text, where, page.size(), n, runs[n / 2], runs[n * 9 / 10], runs[0]));
    }

    /** Direct batched inserts in the store's own row format (documents and their tag pairs): 1,000,000 rows in a minute or two, not hours of HTTP. */
    private static void seed(Database db, SecretBox box, int rows) throws Exception {
        String sql = "INSERT INTO enrollments (instance, id_key, etag, attestation_type, provisioning_status, tag_pairs,"
                + " doc) VALUES (?, ?, ?, ?, ?, ?, ?)";
        String tagSql = "INSERT INTO enrollment_tags (instance, kind, tag_path, tag_value, id_key, attestation_type,"
                + " provisioning_status) VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql);
             PreparedStatement t = c.prepareStatement(tagSql)) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                IndividualEnrollment e = enrollment(i);
                s.setString(1, INSTANCE);
                s.setString(2, e.registrationId());
                s.setString(3, e.etag());
                s.setString(4, EnrollmentQuery.attestationType(e));
                s.setString(5, e.isEnabled() ? "enabled" : "disabled");
                s.setString(6, EnrollmentTable.tagPairs(e));
                s.setString(7, Documents.writeSealed(box, e));
                s.addBatch();
                for (var tag : dev.muster.core.enrollment.EnrollmentTags.of(e).entrySet()) {
                    t.setString(1, INSTANCE);
                    t.setString(2, "e");
                    t.setString(3, tag.getKey());
                    t.setString(4, tag.getValue());
                    t.setString(5, e.registrationId());
                    t.setString(6, EnrollmentQuery.attestationType(e));
                    t.setString(7, e.isEnabled() ? "enabled" : "disabled");
                    t.addBatch();
                }
                if (i % 1000 == 999) {
                    s.executeBatch();
                    t.executeBatch();
                    c.commit();
                }
            }
            s.executeBatch();
            t.executeBatch();
            c.commit();
            c.setAutoCommit(true);
        }
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            // Written as the store writes them, after the backfill migrations ran on the empty tables.
            if (db.dialect() == Dialect.POSTGRESQL) {
                s.execute("ANALYZE enrollments");
                s.execute("ANALYZE enrollment_tags");
            }
        }
    }

    /** Every 100th has building 43, every 1000th is disabled: selective filters as operators write them. */
    private static IndividualEnrollment enrollment(int i) {
        ObjectNode tags = Json.object().put("building", String.valueOf(i % 100)).put("floor", i % 7);
        String now = "2026-01-01T00:00:00.0000000Z";
        return new IndividualEnrollment(id(i), null, null, null,
                AttestationMechanism.symmetricKey(key(), key()), null, null,
                new TwinState(tags, null), "\"" + i + "\"", i % 1000 == 500 ? "disabled" : "enabled", null, now, now,
                null, null, null);
    }

    /** 64 bytes, base64, as generated keys are; from a fast generator, since these only fill rows. */
    private static String key() {
        byte[] k = new byte[64];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(k);
        return java.util.Base64.getEncoder().encodeToString(k);
    }

    private static Database postgres() throws Exception {
        String admin = System.getenv().getOrDefault("MUSTER_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String user = System.getenv().getOrDefault("MUSTER_TEST_POSTGRES_USER", "postgres");
        String password = System.getenv("MUSTER_TEST_POSTGRES_PASSWORD");
        try (Connection c = DriverManager.getConnection(admin, user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS muster_query_bench WITH (FORCE)");
            s.execute("CREATE DATABASE muster_query_bench");
        }
        Supplier<Database> open = () -> Database.open(admin.replaceFirst("/[^/?]*(\\?.*)?$", "/muster_query_bench$1"),
                user, password, 4);
        return open.get();
    }
}
