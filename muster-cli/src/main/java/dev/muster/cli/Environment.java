package dev.muster.cli;

import dev.muster.store.SecretBox;
import java.util.Optional;

/**
 * Every environment variable the {@code muster} command reads, in one place: what each means is written here once,
 * and the rest of the command asks for settings by name instead of calling {@link System#getenv} itself. A blank
 * value counts as unset, as a shell's {@code VAR=} suggests.
 */
public final class Environment {
    /** Database URL for {@code serve} and {@code db}: {@code postgresql://USER[:PASS]@HOST:PORT/DB} or a JDBC URL. */
    static final String DATABASE = "MUSTER_DATABASE";
    /** Database connections a {@code serve} node keeps open. */
    static final String DATABASE_POOL_SIZE = "MUSTER_DATABASE_POOL_SIZE";
    /** Base64 of the 32-byte key sealing stored secrets; every node of one database needs the same. */
    static final String SECRET_KEY = SecretBox.ENV;
    /** The bearer token the metrics listener of {@code serve} or {@code hub} asks for (kept off the command line). */
    static final String METRICS_TOKEN = "MUSTER_METRICS_TOKEN";
    /** A file of {@code serve} settings, one {@code option-name = value} per line. */
    static final String CONFIG_FILE = "MUSTER_CONFIG";
    /** The service connection string client commands use. */
    static final String CONNECTION_STRING = "MUSTER_CONNECTION_STRING";
    /** Where profiles are saved (else {@code $XDG_CONFIG_HOME/muster}, else {@code ~/.config/muster}). */
    static final String CONFIG_DIR = "MUSTER_CONFIG_DIR";
    static final String XDG_CONFIG_HOME = "XDG_CONFIG_HOME";
    /** Searched for {@code nginx} by the benchmark. */
    static final String PATH = "PATH";

    private Environment() {
    }

    public static Optional<String> value(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    public static Optional<String> database() {
        return value(DATABASE);
    }

    public static Optional<String> databasePoolSize() {
        return value(DATABASE_POOL_SIZE);
    }

    public static Optional<String> secretKey() {
        return value(SECRET_KEY);
    }

    public static Optional<String> metricsToken() {
        return value(METRICS_TOKEN);
    }

    public static Optional<String> configFile() {
        return value(CONFIG_FILE);
    }

    public static Optional<String> connectionString() {
        return value(CONNECTION_STRING);
    }

    public static Optional<String> configDir() {
        return value(CONFIG_DIR);
    }

    public static Optional<String> xdgConfigHome() {
        return value(XDG_CONFIG_HOME);
    }

    public static String path() {
        return value(PATH).orElse("");
    }
}
