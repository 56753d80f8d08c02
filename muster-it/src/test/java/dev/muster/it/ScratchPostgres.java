package dev.muster.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL database of its own for one test class, created on the server the {@code MUSTER_TEST_POSTGRES_*}
 * variables name and dropped after. Not reachable: the test is skipped with what to do, or fails when
 * {@code MUSTER_REQUIRE_POSTGRES=true} (CI).
 */
final class ScratchPostgres implements AutoCloseable {
    private static final String ADMIN_URL = env("MUSTER_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = env("MUSTER_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = env("MUSTER_TEST_POSTGRES_PASSWORD", null);
    private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^/?]*)/.*$");

    private final String name = "muster_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);

    private ScratchPostgres() {
    }

    static ScratchPostgres create() {
        ScratchPostgres db = new ScratchPostgres();
        try (Connection admin = admin(); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + db.name);
        } catch (SQLException e) {
            String why = "PostgreSQL is not reachable at " + ADMIN_URL + " as " + USER + " (" + e.getMessage()
                    + "); start it with pg_ctlcluster 15 main start and set MUSTER_TEST_POSTGRES_PASSWORD";
            if ("true".equalsIgnoreCase(System.getenv("MUSTER_REQUIRE_POSTGRES"))) {
                throw new IllegalStateException(why, e);
            }
            Assumptions.abort(why);
        }
        return db;
    }

    /** The database as {@code muster serve --database} takes it. */
    String serveUrl() {
        Matcher m = HOST_PORT.matcher(ADMIN_URL);
        if (!m.matches()) {
            throw new IllegalStateException("MUSTER_TEST_POSTGRES_URL is not jdbc:postgresql://HOST:PORT/DB: " + ADMIN_URL);
        }
        return "postgresql://" + USER + (PASSWORD == null ? "" : ":" + PASSWORD) + "@" + m.group(1) + "/" + name;
    }

    @Override
    public void close() {
        try (Connection admin = admin(); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            // not reachable: nothing to drop
        }
    }

    private static Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        if (PASSWORD != null) {
            p.setProperty("password", PASSWORD);
        }
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(ADMIN_URL, p);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
