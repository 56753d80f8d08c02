package dev.muster.core.registration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.enrollment.Enrollment;

/**
 * The enrollment a device proved it belongs to, the keys its hub identity gets, and for a TPM device the
 * {@code registrationState.tpm} of its result (the activation blob of its hub key).
 */
record EnrollmentMatch(Enrollment enrollment, String primaryKey, String secondaryKey, ObjectNode tpmResult) {
    EnrollmentMatch(Enrollment enrollment, String primaryKey, String secondaryKey) {
        this(enrollment, primaryKey, secondaryKey, null);
    }
}
