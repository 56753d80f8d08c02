package dev.muster.core.registration;

import dev.muster.core.enrollment.Enrollment;

/** The enrollment a device proved it belongs to, and the keys its hub identity gets. */
record EnrollmentMatch(Enrollment enrollment, String primaryKey, String secondaryKey) {}
