package dev.muster.store;

import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.IndividualEnrollment;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills in what a schema version added to enrollments and groups from their documents, which are sealed, so only
 * code with the secret key can: a Java migration, registered by {@link SchemaMigrator} with that key (Flyway would
 * create a scanned one without it). Until Flyway ran these, the store ran the same fill when it opened and noted it
 * in {@code store_backfills}; {@link EnrollmentTable} still skips a fill noted there, so a database the previous
 * release already filled is not rewritten, and a fill that stopped half-way simply continues.
 */
abstract class EnrollmentBackfill extends BaseJavaMigration {
    private final SecretBox secrets;

    /** @param secrets the data folder's key; null only where nothing is migrated (schema status) */
    EnrollmentBackfill(SecretBox secrets) {
        this.secrets = secrets;
    }

    /** Each batch commits on its own, as the store's fill did, so other nodes' writes are not held up for long. */
    @Override
    public boolean canExecuteInTransaction() {
        return false;
    }

    @Override
    public void migrate(Context context) {
        fill(new Jdbc(MigrationPool.of(context.getConnection())));
    }

    void fill(Jdbc jdbc) {
        if (secrets == null) {
            if (hasRows(jdbc, "enrollments") || hasRows(jdbc, "enrollment_groups")) {
                throw new StoreException("Filling in the query columns of existing enrollments needs the data"
                        + " folder's secret key: migrate with the key the server uses.");
            }
            return;
        }
        fill(new EnrollmentTable<>(jdbc, "enrollments", IndividualEnrollment.class, secrets));
        fill(new EnrollmentTable<>(jdbc, "enrollment_groups", EnrollmentGroup.class, secrets));
    }

    abstract void fill(EnrollmentTable<?> table);

    private static boolean hasRows(Jdbc jdbc, String table) {
        return jdbc.one("SELECT 1 FROM " + table + " LIMIT 1", row -> row.getInt(1)).isPresent();
    }
}
