package dev.muster.cli;

/** Individual enrollments and enrollment groups share one set of commands; this says which API they use. */
enum EnrollmentKind {
    INDIVIDUAL("enrollments", "registrationId", "enrollment"),
    GROUP("enrollmentGroups", "enrollmentGroupId", "enrollment group");

    final String path;
    final String idField;
    final String noun;

    EnrollmentKind(String path, String idField, String noun) {
        this.path = path;
        this.idField = idField;
        this.noun = noun;
    }
}
