package dev.muster.store;

import java.util.Locale;

/** The databases Muster runs on. The SQL is shared; only what the migrations cannot express portably differs. */
public enum Dialect {
    H2(""),
    // "C" makes key order byte order, as in H2, so listings page identically whatever the server's locale.
    POSTGRESQL("COLLATE \"C\"");

    private final String keyCollation;

    Dialect(String keyCollation) {
        this.keyCollation = keyCollation;
    }

    /** Substituted for {@code ${key_collation}} in the migrations, after each ordered key column. */
    String keyCollation() {
        return keyCollation;
    }

    static Dialect ofJdbcUrl(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new StoreException("The database URL '" + DatabaseUrl.redact(jdbcUrl)
                + "' is neither an H2 nor a PostgreSQL URL (expected jdbc:h2:..., jdbc:postgresql://... or postgresql://...).");
    }
}
