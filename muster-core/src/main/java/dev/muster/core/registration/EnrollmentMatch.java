package dev.muster.core.registration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.hub.AuthenticationMechanism;

/**
 * The enrollment a device proved it belongs to, and the identity its hub device gets: SAS keys, or for X.509 the
 * hub authentication ({@code selfSigned} with certificate thumbprints, as Azure DPS creates it for individual and
 * group enrollments alike); for a TPM device also the {@code registrationState.tpm} of its result (the activation
 * blob of its hub key).
 */
record EnrollmentMatch(Enrollment enrollment, String primaryKey, String secondaryKey, AuthenticationMechanism x509,
                       ObjectNode tpmResult) {

    EnrollmentMatch(Enrollment enrollment, String primaryKey, String secondaryKey) {
        this(enrollment, primaryKey, secondaryKey, null, null);
    }

    EnrollmentMatch(Enrollment enrollment, String primaryKey, String secondaryKey, ObjectNode tpmResult) {
        this(enrollment, primaryKey, secondaryKey, null, tpmResult);
    }

    static EnrollmentMatch x509(Enrollment enrollment, AuthenticationMechanism auth) {
        return new EnrollmentMatch(enrollment, null, null, auth, null);
    }

    /** The same proof, but for another enrollment (a disabled individual enrollment blocking one device of a group). */
    EnrollmentMatch forEnrollment(Enrollment other) {
        return new EnrollmentMatch(other, primaryKey, secondaryKey, x509, tpmResult);
    }

    AuthenticationMechanism hubAuthentication() {
        return x509 != null ? x509 : AuthenticationMechanism.sas(primaryKey, secondaryKey);
    }
}
