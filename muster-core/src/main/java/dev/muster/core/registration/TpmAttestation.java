package dev.muster.core.registration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.sas.SasToken;
import dev.muster.core.sas.SasVerifier;
import dev.muster.core.tpm.ActivationBlob;
import dev.muster.core.tpm.TpmException;
import dev.muster.core.tpm.TpmPublic;
import java.util.Base64;
import java.util.List;

/**
 * TPM attestation (reference §6): a device without a token gets a challenge blob for its enrolled EK; a device
 * with a token must have signed it with the challenge key; an assigned device gets its hub key in a second blob.
 */
final class TpmAttestation {
    private final TpmKeys keys;
    private final SasVerifier sas;

    TpmAttestation(TpmKeys keys, SasVerifier sas) {
        this.keys = keys;
        this.sas = sas;
    }

    DeviceAuthenticator.Outcome authenticate(String instance, String registrationId, IndividualEnrollment e,
                                             DeviceCredentials credentials, SasToken token) {
        if (keys == null) {
            return new DeviceAuthenticator.Refused("the enrollment uses tpm attestation, which is not enabled on this server");
        }
        TpmPublic enrolledEk;
        try {
            enrolledEk = TpmPublic.endorsementKey(e.attestation().tpm().path("endorsementKey").asText());
        } catch (TpmException ex) {
            return new DeviceAuthenticator.Refused("the enrollment's endorsement key is unusable: " + ex.getMessage());
        }
        TpmPublic srk = null;
        if (credentials.tpmEndorsementKey() != null) {
            TpmPublic presented;
            try {
                presented = TpmPublic.endorsementKey(credentials.tpmEndorsementKey());
                srk = credentials.tpmStorageRootKey() == null ? null
                        : TpmPublic.storageRootKey(credentials.tpmStorageRootKey());
            } catch (TpmException ex) {
                return new DeviceAuthenticator.Refused("the device's TPM keys are unusable: " + ex.getMessage());
            }
            if (!presented.sameKey(enrolledEk)) {
                return new DeviceAuthenticator.Refused("the device presented an endorsement key that is not the"
                        + " enrolled one");
            }
            String enrolledSrk = e.attestation().tpm().path("storageRootKey").asText("");
            if (!enrolledSrk.isEmpty() && srk != null && !srk.sameKey(TpmPublic.storageRootKey(enrolledSrk))) {
                return new DeviceAuthenticator.Refused("the device's storage root key differs from the enrolled one");
            }
        }
        byte[] ek = enrolledEk.tpm2bPublic();
        if (token == null) {
            if (srk == null) {
                return new DeviceAuthenticator.Refused("a TPM device must send its endorsementKey and storageRootKey");
            }
            return new DeviceAuthenticator.Challenged(ActivationBlob.buildBase64(enrolledEk, srk,
                    keys.challengeKey(instance, registrationId, ek)));
        }
        List<String> accepted = keys.acceptedChallengeKeys(instance, registrationId, ek).stream()
                .map(k -> Base64.getEncoder().encodeToString(k)).toList();
        if (!sas.signatureMatches(token, accepted)) {
            return new DeviceAuthenticator.Refused("the SAS token is not signed with a current TPM challenge key"
                    + " (older than 20 minutes, or from another TPM)");
        }
        String hubKey = Base64.getEncoder().encodeToString(keys.hubKey(instance, registrationId, ek));
        ObjectNode result = null;
        if (srk != null) {
            result = Json.object().put("authenticationKey",
                    ActivationBlob.buildBase64(enrolledEk, srk, Base64.getDecoder().decode(hubKey)));
        }
        return new DeviceAuthenticator.Accepted(new EnrollmentMatch(e, hubKey, hubKey, result));
    }
}
