package dev.muster.core.registration;

import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentStore;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.SymmetricKeyAttestation;
import dev.muster.core.sas.DerivedKey;
import dev.muster.core.sas.SasToken;
import dev.muster.core.sas.SasVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the enrollment a device proves it holds. An individual enrollment wins over any group. The outcome
 * carries the exact reason of a refusal for the operator; the device only ever learns "Unauthorized".
 */
final class DeviceAuthenticator {
    private final EnrollmentStore enrollments;
    private final SasVerifier sas;

    private final TpmAttestation tpm;
    private final X509Authenticator x509;

    DeviceAuthenticator(EnrollmentStore enrollments, SasVerifier sas, TpmKeys tpmKeys, X509Authenticator x509) {
        this.enrollments = enrollments;
        this.sas = sas;
        this.tpm = new TpmAttestation(tpmKeys, sas);
        this.x509 = x509;
    }

    sealed interface Outcome permits Accepted, Refused, Challenged {}

    /** A TPM device without a token: it must activate this blob and come back. */
    record Challenged(String authenticationKey) implements Outcome {}

    record Accepted(EnrollmentMatch match) implements Outcome {}

    record Refused(String reason) implements Outcome {}

    Outcome authenticate(String instance, String idScope, String registrationId, DeviceCredentials credentials) {
        if (credentials.sasToken() == null && credentials.tpmEndorsementKey() == null
                && credentials.clientChain() != null && !credentials.clientChain().isEmpty()) {
            return x509.authenticate(instance, registrationId, credentials.clientChain());
        }
        Optional<IndividualEnrollment> individual = enrollments.enrollment(instance, registrationId);
        if (individual.isPresent() && AttestationMechanism.TPM.equalsIgnoreCase(individual.get().attestation().type())) {
            return tpmDevice(instance, idScope, registrationId, individual.get(), credentials);
        }
        if (credentials.tpmEndorsementKey() != null) {
            return new Refused("the device sent TPM keys but no TPM enrollment '" + registrationId + "' exists");
        }
        if (credentials.sasToken() == null) {
            return new Refused(individual.isPresent()
                    ? "no SAS token and no TLS client certificate presented, but individual enrollment '"
                      + registrationId + "' uses " + individual.get().attestation().type() + " attestation"
                    : "no SAS token and no TLS client certificate presented");
        }
        Optional<SasToken> token = SasToken.parse(credentials.sasToken());
        if (token.isEmpty()) {
            return new Refused("the Authorization value is not a SharedAccessSignature token");
        }
        String scope = idScope + "/registrations/" + registrationId;
        SasToken t = token.get();
        SasVerifier.Result pre = sas.verify(t, scope, List.of());
        if (pre == SasVerifier.Result.EXPIRED) {
            return new Refused("the SAS token expired at epoch second " + t.expiry());
        }
        if (pre == SasVerifier.Result.WRONG_RESOURCE) {
            return new Refused("the SAS token's sr '" + t.resource() + "' is not '" + scope + "'");
        }
        List<String> groupsTried = new ArrayList<>();
        Optional<EnrollmentMatch> viaGroup = Optional.empty();
        if (individual.isPresent()) {
            IndividualEnrollment e = individual.get();
            if (e.attestation().isSymmetricKey()) {
                SymmetricKeyAttestation keys = e.attestation().symmetricKey();
                if (sas.signatureMatches(t, List.of(keys.primaryKey(), keys.secondaryKey()))) {
                    return new Accepted(new EnrollmentMatch(e, keys.primaryKey(), keys.secondaryKey()));
                }
            }
            if (!e.isEnabled()) {
                // Azure's pattern for blocking one device of a group: a disabled individual enrollment with its
                // registration ID. The device proves itself with the group's derived key and is told "disabled".
                viaGroup = groupMatch(instance, registrationId, t, groupsTried);
                if (viaGroup.isPresent()) {
                    return new Accepted(viaGroup.get().forEnrollment(e));
                }
            }
            if (!e.attestation().isSymmetricKey()) {
                return new Refused("the individual enrollment uses " + e.attestation().type()
                        + " attestation, but the device presented a symmetric-key SAS token");
            }
            return new Refused("the SAS token is not signed with the individual enrollment's primary or secondary key");
        }
        viaGroup = groupMatch(instance, registrationId, t, groupsTried);
        if (viaGroup.isPresent()) {
            return new Accepted(viaGroup.get());
        }
        return new Refused(groupsTried.isEmpty()
                ? "no individual enrollment '" + registrationId + "' and no symmetric-key enrollment group exists"
                : "no individual enrollment '" + registrationId + "', and the token is not signed with a key derived"
                  + " from any symmetric-key group (" + String.join(", ", groupsTried) + ")");
    }

    private Outcome tpmDevice(String instance, String idScope, String registrationId, IndividualEnrollment e,
                              DeviceCredentials credentials) {
        SasToken token = null;
        if (credentials.sasToken() != null) {
            Optional<SasToken> parsed = SasToken.parse(credentials.sasToken());
            if (parsed.isEmpty()) {
                return new Refused("the Authorization value is not a SharedAccessSignature token");
            }
            String scope = idScope + "/registrations/" + registrationId;
            SasVerifier.Result pre = sas.verify(parsed.get(), scope, List.of());
            if (pre == SasVerifier.Result.EXPIRED) {
                return new Refused("the SAS token expired at epoch second " + parsed.get().expiry());
            }
            if (pre == SasVerifier.Result.WRONG_RESOURCE) {
                return new Refused("the SAS token's sr '" + parsed.get().resource() + "' is not '" + scope + "'");
            }
            token = parsed.get();
        }
        return tpm.authenticate(instance, registrationId, e, credentials, token);
    }

    /** The symmetric-key group whose derived key signed the token, if any; names the groups tried. */
    private Optional<EnrollmentMatch> groupMatch(String instance, String registrationId, SasToken t, List<String> tried) {
        for (EnrollmentGroup g : enrollments.groupsByAttestation(instance, AttestationMechanism.SYMMETRIC_KEY)) {
            SymmetricKeyAttestation keys = g.attestation().symmetricKey();
            String primary = DerivedKey.of(keys.primaryKey(), registrationId);
            String secondary = DerivedKey.of(keys.secondaryKey(), registrationId);
            if (sas.signatureMatches(t, List.of(primary, secondary))) {
                return Optional.of(new EnrollmentMatch(g, primary, secondary));
            }
            tried.add(g.enrollmentGroupId());
        }
        return Optional.empty();
    }
}
