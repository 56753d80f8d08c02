package dev.muster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract on PostgreSQL. Each database it uses is created fresh ({@code muster_test_<random>}) through an
 * admin connection and dropped afterwards. Without a reachable server the class is skipped, unless
 * {@code MUSTER_REQUIRE_POSTGRES=true} (CI) makes that a failure.
 */
class PostgresStoreContractTest extends StoreContractTest {
    private static final String ADMIN_URL = env("MUSTER_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = env("MUSTER_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = env("MUSTER_TEST_POSTGRES_PASSWORD", null);
    private static final boolean REQUIRED = "true".equalsIgnoreCase(System.getenv("MUSTER_REQUIRE_POSTGRES"));
    private static final Pattern DATABASE_IN_URL = Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^?]*)(.*)$");

    private final List<String> created = new ArrayList<>();
    private Connection admin;

    @Override
    protected Supplier<Database> emptyDatabase() {
        Function<String, Database> at = emptyDatabaseAt();
        return () -> at.apply(null);
    }

    @Override
    protected Function<String, Database> emptyDatabaseAt() {
        String name = "muster_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try {
            // A locale whose collation ignores punctuation, as many production servers have, so the contract proves
            // key order does not depend on it.
            execute("CREATE DATABASE " + name + " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
        } catch (IllegalStateException noIcu) {
            execute("CREATE DATABASE " + name);
        }
        created.add(name);
        String url = urlOf(name);
        return version -> Database.open(url, USER, PASSWORD, 8, version, secrets);
    }

    @Override
    Dialect expectedDialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    protected void removeDatabases() {
        if (admin == null) {
            return;
        }
        try (Connection c = admin) {
            for (String name : created) {
                execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not close the admin connection", e);
        }
    }

    @Test
    void aLibpqStyleUrlWithCredentialsOpensTheSameDatabase() {
        String name = created.get(0);
        Matcher m = DATABASE_IN_URL.matcher(ADMIN_URL);
        Assumptions.assumeTrue(m.matches(), "the admin URL is not of the form jdbc:postgresql://HOST:PORT/DB");
        String hostPort = m.group(1).substring("jdbc:postgresql://".length(), m.group(1).length() - 1);
        String credentials = encode(USER) + (PASSWORD == null ? "" : ":" + encode(PASSWORD));
        String libpq = "postgresql://" + credentials + "@" + hostPort + "/" + name + m.group(3);

        try (Database db = Database.open(libpq, null, null, 2)) {
            assertThat(db.dialect()).isEqualTo(Dialect.POSTGRESQL);
            assertThat(db.description()).as("credentials stay out of logs").isEqualTo(urlOf(name));
            assertThat(Stores.open(db).instances().listInstances()).isEmpty();
        }
    }

    @Test
    void refusedCredentialsAreNamedAsSuch() {
        assertThatThrownBy(() -> Database.open(urlOf(created.get(0)), "muster_no_such_role", "wrong", 2))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("refused the credentials of user 'muster_no_such_role'")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void aMissingDatabaseIsNamedAsSuch() {
        assertThatThrownBy(() -> Database.open(urlOf("muster_test_never_created"), USER, PASSWORD, 2))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("The database named in " + urlOf("muster_test_never_created")
                        + " does not exist; create it first");
    }

    private String urlOf(String database) {
        Matcher m = DATABASE_IN_URL.matcher(ADMIN_URL);
        if (!m.matches()) {
            throw new IllegalStateException("MUSTER_TEST_POSTGRES_URL must look like jdbc:postgresql://HOST:PORT/DB, not "
                    + ADMIN_URL);
        }
        return m.group(1) + database + m.group(3);
    }

    private void execute(String sql) {
        try (Statement s = admin().createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Connects on first use; an unreachable server skips the class, or fails it when PostgreSQL is required. */
    private Connection admin() {
        if (admin != null) {
            return admin;
        }
        Properties props = new Properties();
        props.setProperty("user", USER);
        if (PASSWORD != null) {
            props.setProperty("password", PASSWORD);
        }
        props.setProperty("connectTimeout", "5");
        try {
            admin = DriverManager.getConnection(ADMIN_URL, props);
            return admin;
        } catch (SQLException e) {
            String why = "PostgreSQL is not usable at " + ADMIN_URL + " as " + USER + " (" + e.getMessage()
                    + "); set MUSTER_TEST_POSTGRES_URL, MUSTER_TEST_POSTGRES_USER and MUSTER_TEST_POSTGRES_PASSWORD";
            if (REQUIRED) {
                return Assertions.fail(why + " — MUSTER_REQUIRE_POSTGRES=true, so this is a failure.", e);
            }
            return Assumptions.abort(why + " to run these tests; skipping them.");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
