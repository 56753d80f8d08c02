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
            System.out.printf(Locale.ROOT, "%s: seeded %,d enrollments in %.1f s%n", db.dialect(), rows,
                    (System.nanoTime() - seedStart) / 1e9);
            JdbcStore store = new JdbcStore(db, box);
            EnrollmentService service = new EnrollmentService(store, store, store,
                    new UsageMeter(store, Clock.systemUTC()), Clock.systemUTC());

            report(service, "SELECT * FROM enrollments", null, "start");
            report(service, "SELECT * FROM enrollments", id(rows / 2), "middle");
            report(service, "SELECT * FROM enrollments", id(rows - PAGE - 1), "end");
            report(service, "SELECT * FROM enrollments WHERE provisioningStatus = 'disabled'", null, "start");
            report(service, "SELECT * FROM enrollments WHERE provisioningStatus = 'disabled'", id(rows / 2), "middle");
            report(service, "SELECT * FROM enrollments WHERE tags.building = '43'", null, "start");
            report(service, "SELECT * FROM enrollments WHERE tags.building = '43'", id(rows / 2), "middle");
            report(service, "SELECT * FROM enrollments WHERE tags.building = '43' AND provisioningStatus = 'disabled'",
                    null, "start");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String id(int n) {
        return String.format(Locale.ROOT, "bench-%07d", n);
    }

    private static void report(EnrollmentService service, String text, String after, String where) {
        EnrollmentQuery query = EnrollmentQuery.parse(text, "enrollments");
        List<IndividualEnrollment> page = List.of();
        for (int i = 0; i < 5; i++) {
            page = service.enrollments(INSTANCE, query, after, PAGE + 1);
        }
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            page = service.enrollments(INSTANCE, query, after, PAGE + 1);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        assertThat(page).allSatisfy(e -> assertThat(query.matches(e)).isTrue());
        System.out.printf(Locale.ROOT, "%-95s %-6s rows=%3d  median %7.2f ms  p90 %7.2f ms  min %7.2f ms%n",
                text, where, page.size(), ms[RUNS / 2], ms[RUNS * 9 / 10], ms[0]);
    }

    /** Direct batched inserts in the store's own row format: 1,000,000 rows in a minute or two, not hours of HTTP. */
    private static void seed(Database db, SecretBox box, int rows) throws Exception {
        String sql = "INSERT INTO enrollments (instance, id_key, etag, attestation_type, provisioning_status, tag_pairs,"
                + " doc) VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
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
                if (i % 1000 == 999) {
                    s.executeBatch();
                    c.commit();
                }
            }
            s.executeBatch();
            c.commit();
            c.setAutoCommit(true);
        }
        if (db.dialect() == Dialect.POSTGRESQL) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("ANALYZE enrollments");
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
