package dev.muster.core.testing;

import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.ReprovisionPolicy;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.SharedAccessPolicy;
import java.util.List;

/** Small builders for the documents the services take. */
public final class Fixtures {
    private Fixtures() {}

    public static ProvisioningInstance instance(String name, String idScope) {
        return new ProvisioningInstance(name, idScope, name + ".dps.muster.test", "hashed",
                List.of(SharedAccessPolicy.owner(Ids.policyKey(), Ids.policyKey())));
    }

    public static IndividualEnrollment individual(String registrationId, AttestationMechanism attestation) {
        return new IndividualEnrollment(registrationId, null, null, null, attestation, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    public static IndividualEnrollment individual(String registrationId, String deviceId, AttestationMechanism attestation,
                                                  TwinState initialTwin, String provisioningStatus,
                                                  ReprovisionPolicy reprovisionPolicy, List<String> iotHubs) {
        return new IndividualEnrollment(registrationId, deviceId, null, null, attestation, DeviceCapabilities.NONE,
                null, initialTwin, null, provisioningStatus, reprovisionPolicy, null, null, null, iotHubs, null);
    }

    public static EnrollmentGroup group(String groupId, AttestationMechanism attestation) {
        return new EnrollmentGroup(groupId, attestation, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static EnrollmentGroup group(String groupId, AttestationMechanism attestation, TwinState initialTwin,
                                        String provisioningStatus) {
        return new EnrollmentGroup(groupId, attestation, null, null, initialTwin, null, provisioningStatus, null, null,
                null, null, null, null);
    }

    public static AttestationMechanism symmetricKey(String primary, String secondary) {
        return AttestationMechanism.symmetricKey(primary, secondary);
    }

    /** An initial twin from two JSON object texts. */
    public static TwinState twin(String tagsJson, String desiredJson) {
        return new TwinState(tagsJson == null ? null : Json.tree(tagsJson),
                new TwinState.Properties(desiredJson == null ? null : Json.tree(desiredJson)));
    }
}
