package dev.muster.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import javax.sql.DataSource;

/**
 * The connection pool to Muster's database, opened only once its schema is current. Everything that can go wrong
 * while opening surfaces as one {@link StoreException} sentence an operator can act on.
 */
public final class Database implements AutoCloseable {
    private static final int EMBEDDED_POOL_SIZE = 10;
    private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;
    // Portable SQL is checked against PostgreSQL semantics even when running embedded; the lock timeout lets
    // writers of one row queue behind each other instead of failing after H2's 1 s default. A registration runs about
    // a dozen distinct statements: with H2's default of 8 cached statements per session every one of them was parsed
    // and planned again (a twentieth of the server's CPU in the boot storm, docs/benchmarks.md). WRITE_DELAY=0: H2
    // keeps no redo log, so a commit lives only in memory until its store writes the changed pages, by default up to
    // half a second later; a kill -9 in that window lost registrations devices had been told were assigned
    // (CrashDurabilityIT). With 0 every commit is written to the file before it returns (to the operating system,
    // which keeps it across a crash of this process; a power cut needs PostgreSQL, which syncs each commit).
    private static final String H2_OPTIONS =
            ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000"
                    + ";QUERY_CACHE_SIZE=64;WRITE_DELAY=0";

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final String description;

    private Database(HikariDataSource dataSource, Dialect dialect, String description) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.description = description;
    }

    /** The single-node default: an H2 database in {@code dataDir/muster.mv.db}. */
    public static Database embedded(Path dataDir) {
        return embedded(dataDir, EMBEDDED_POOL_SIZE);
    }

    /** @param poolSize connections kept open (see {@link #open}) */
    public static Database embedded(Path dataDir, int poolSize) {
        return embedded(dataDir, poolSize, null);
    }

    /** @param secrets the data folder's key, for the migrations that fill in columns from sealed documents */
    public static Database embedded(Path dataDir, int poolSize, SecretBox secrets) {
        Path dir = dataDir.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("Cannot create the data directory " + dir + ": " + e.getMessage() + ".", e);
        }
        Database db = open(embeddedUrl(dir), null, null, poolSize, null, secrets);
        try {
            ownerOnly(dir.resolve("muster.mv.db"));
        } catch (StoreException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /**
     * The database file holds every enrollment, twin and sealed key: readable by Muster's user only, like the keys
     * beside it (H2 creates it with the process's umask, usually world-readable).
     */
    private static void ownerOnly(Path file) {
        try {
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access rules apply
        } catch (IOException e) {
            throw new StoreException("Cannot make the database file " + file + " private to its owner: " + e.getMessage()
                    + ".", e);
        }
    }

    /** The JDBC URL of the embedded database of a data folder. */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("muster") + H2_OPTIONS;
    }

    /** Reads the schema status of a database without migrating it (for {@code muster db status}). */
    public static SchemaStatus inspect(String url, String user, String password) {
        DatabaseUrl target = DatabaseUrl.parse(url, user, password);
        try (HikariDataSource pool = connect(target, 2)) {
            try {
                return new SchemaMigrator(pool, Dialect.ofJdbcUrl(target.jdbcUrl())).status();
            } catch (org.flywaydb.core.api.FlywayException e) {
                throw new StoreException("Cannot read the schema history of " + target.redactedJdbcUrl() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * @param url {@code jdbc:h2:...}, {@code jdbc:postgresql://HOST:PORT/DB} or {@code postgresql://USER[:PASS]@HOST:PORT/DB}
     * @param user null to use the one in the URL, if any
     * @param password null to use the one in the URL, if any
     */
    public static Database open(String url, String user, String password, int poolSize) {
        return open(url, user, password, poolSize, null, null);
    }

    /** @param secrets the data folder's key, for the migrations that fill in columns from sealed documents */
    public static Database open(String url, String user, String password, int poolSize, SecretBox secrets) {
        return open(url, user, password, poolSize, null, secrets);
    }

    /**
     * @param targetVersion migrate no further than this schema version (migration tests); null = the latest
     * @param secrets unseals documents for the Java migrations; null fails them on a database that has enrollments
     */
    static Database open(String url, String user, String password, int poolSize, String targetVersion,
                         SecretBox secrets) {
        if (poolSize < 1) {
            throw new StoreException("The database pool size must be at least 1, not " + poolSize + ".");
        }
        DatabaseUrl target = DatabaseUrl.parse(url, user, password);
        Dialect dialect = Dialect.ofJdbcUrl(target.jdbcUrl());
        HikariDataSource pool = connect(target, poolSize);
        try {
            new SchemaMigrator(pool, dialect, targetVersion, secrets).migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool, dialect, target.redactedJdbcUrl());
    }

    private static HikariDataSource connect(DatabaseUrl target, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("muster-db");
        config.setJdbcUrl(target.jdbcUrl());
        config.setUsername(target.user());
        config.setPassword(target.password());
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        // Fail on the first refused attempt: an unreachable database at startup is a configuration error.
        config.setInitializationFailTimeout(1);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw ConnectionFailures.describe(target, e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Bytes the database takes on disk: PostgreSQL's {@code pg_database_size}, or the size of H2's file (which keeps
     * space freed by deletes until it compacts, so this is what the operator's disk holds, not the live rows).
     *
     * @return -1 when it cannot be told (an in-memory H2, a file not readable)
     */
    public long sizeOnDisk() {
        try {
            if (dialect == Dialect.POSTGRESQL) {
                try (var c = dataSource.getConnection(); var st = c.createStatement();
                     var rs = st.executeQuery("SELECT pg_database_size(current_database())")) {
                    return rs.next() ? rs.getLong(1) : -1;
                }
            }
            String url = dataSource.getJdbcUrl();
            String prefix = "jdbc:h2:file:";
            if (url == null || !url.startsWith(prefix)) {
                return -1;
            }
            int end = url.indexOf(';');
            java.nio.file.Path file = java.nio.file.Path.of(url.substring(prefix.length(), end < 0 ? url.length() : end)
                    + ".mv.db");
            return java.nio.file.Files.size(file);
        } catch (java.sql.SQLException | java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The JDBC URL with any password masked, for logs and status output. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @Override
    public String toString() {
        return dialect + " " + description;
    }
}
