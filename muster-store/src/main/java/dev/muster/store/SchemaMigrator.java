package dev.muster.store;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Brings the schema up to the migrations shipped in this jar, and refuses a schema written by a newer Muster:
 * Flyway would only warn, and an old binary writing to a newer schema can corrupt it.
 */
final class SchemaMigrator {
    static final String LOCATION = "classpath:db/migration";

    private final Flyway flyway;

    /** For reading the status only: the migrations that fill in sealed documents' columns have no key. */
    SchemaMigrator(DataSource dataSource, Dialect dialect) {
        this(dataSource, dialect, null, null);
    }

    /**
     * @param targetVersion stop after this migration (migration tests); null = the latest
     * @param secrets unseals the documents the Java migrations read; null fails them if there are any
     */
    SchemaMigrator(DataSource dataSource, Dialect dialect, String targetVersion, SecretBox secrets) {
        var configuration = Flyway.configure(SchemaMigrator.class.getClassLoader());
        if (targetVersion != null) {
            configuration.target(MigrationVersion.fromVersion(targetVersion));
        }
        this.flyway = configuration
                .dataSource(dataSource)
                .locations(LOCATION)
                .placeholders(Map.of("key_collation", dialect.keyCollation()))
                .failOnMissingLocations(true)
                .javaMigrations(javaMigrations(secrets).toArray(JavaMigration[]::new))
                .load();
    }

    /** The migrations written in Java, after the SQL ones of {@link #LOCATION}. */
    static List<JavaMigration> javaMigrations(SecretBox secrets) {
        return List.of(new V7__Enrollment_query_columns(secrets), new V8__Enrollment_tag_index(secrets),
                new V10__Hub_device_claims_from_registrations(), new V12__Hub_device_status_from_documents(secrets));
    }

    void migrate() {
        try {
            refuseNewerSchema();
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException("The database schema could not be brought up to date: " + e.getMessage(), e);
        }
    }

    /** Applied and pending versions, without changing anything. */
    SchemaStatus status() {
        MigrationInfo[] all = flyway.info().all();
        return new SchemaStatus(
                Arrays.stream(all).filter(i -> i.getState().isApplied()).map(SchemaMigrator::describe).toList(),
                Arrays.stream(all).filter(i -> !i.getState().isApplied()).map(SchemaMigrator::describe).toList(),
                highest(all, true).map(MigrationVersion::toString).orElse(null),
                highest(all, false).map(MigrationVersion::toString).orElse(null));
    }

    private static String describe(MigrationInfo i) {
        return i.getVersion() + " " + i.getDescription() + " (" + i.getState().getDisplayName().toLowerCase() + ")";
    }

    private void refuseNewerSchema() {
        MigrationInfo[] all = flyway.info().all();
        Optional<MigrationVersion> applied = highest(all, true);
        Optional<MigrationVersion> known = highest(all, false);
        if (applied.isPresent() && (known.isEmpty() || applied.get().compareTo(known.get()) > 0)) {
            throw new StoreException("The database schema is version " + applied.get() + " but this Muster only knows up to "
                    + known.map(MigrationVersion::toString).orElse("none") + "; upgrade Muster.");
        }
    }

    private static Optional<MigrationVersion> highest(MigrationInfo[] infos, boolean applied) {
        return Arrays.stream(infos)
                .filter(i -> applied ? i.getState().isApplied() : i.getState().isResolved())
                .map(MigrationInfo::getVersion)
                .filter(Objects::nonNull)
                .max(Comparator.naturalOrder());
    }
}
