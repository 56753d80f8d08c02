package dev.muster.store;

/** Provisioning status and tag pairs (schema V5) of enrollments and groups written before V5. */
final class V7__Enrollment_query_columns extends EnrollmentBackfill {
    V7__Enrollment_query_columns(SecretBox secrets) {
        super(secrets);
    }

    @Override
    void fill(EnrollmentTable<?> table) {
        table.backfillQueryColumns();
    }
}
