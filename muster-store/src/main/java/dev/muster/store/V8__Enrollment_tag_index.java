package dev.muster.store;

/** The {@code enrollment_tags} rows (schema V6) of enrollments and groups written before V6. */
final class V8__Enrollment_tag_index extends EnrollmentBackfill {
    V8__Enrollment_tag_index(SecretBox secrets) {
        super(secrets);
    }

    @Override
    void fill(EnrollmentTable<?> table) {
        table.backfillTags();
    }
}
