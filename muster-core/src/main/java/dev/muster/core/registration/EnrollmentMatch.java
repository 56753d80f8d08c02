package dev.muster.core.registration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.hub.AuthenticationMechanism;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The enrollment a device proved it belongs to, and the identity its hub device gets: SAS keys, or for X.509 the
 * hub authentication ({@code selfSigned} thumbprints or {@code certificateAuthority}) plus the CA certificates the
 * hub must trust for it; for a TPM device also the {@code registrationState.tpm} of its result (the activation blob of
 * its hub key).
 */
record EnrollmentMatch(Enrollment enrollment, String primaryKey, String secondaryKey, AuthenticationMechanism x509,
                       List<X509Certificate> hubTrust, ObjectNode tpmResult) {

    EnrollmentMatch(Enrollment enrollment, String primaryKey, String secondaryKey) {
        this(enrollment, primaryKey, secondaryKey, null, List.of(), null);
    }

    EnrollmentMatch(Enrollment enrollment, String primaryKey, String secondaryKey, ObjectNode tpmResult) {
        this(enrollment, primaryKey, secondaryKey, null, List.of(), tpmResult);
    }

    static EnrollmentMatch x509(Enrollment enrollment, AuthenticationMechanism auth, List<X509Certificate> hubTrust) {
        return new EnrollmentMatch(enrollment, null, null, auth, List.copyOf(hubTrust), null);
    }

    /** The same proof, but for another enrollment (a disabled individual enrollment blocking one device of a group). */
    EnrollmentMatch forEnrollment(Enrollment other) {
        return new EnrollmentMatch(other, primaryKey, secondaryKey, x509, hubTrust, tpmResult);
    }

    AuthenticationMechanism hubAuthentication() {
        return x509 != null ? x509 : AuthenticationMechanism.sas(primaryKey, secondaryKey);
    }
}
