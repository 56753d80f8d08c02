package dev.muster.core.enrollment;

import java.util.List;

/** What registration needs from either kind of enrollment. */
public interface Enrollment {
    String id();
    boolean isGroup();
    String deviceId();
    AttestationMechanism attestation();
    DeviceCapabilities capabilities();
    TwinState initialTwin();
    String etag();
    String provisioningStatus();
    ReprovisionPolicy reprovisionPolicy();
    String allocationPolicy();
    List<String> iotHubs();

    /**
     * The certificate policy a CSR sent with this enrollment's registrations is issued from (service API
     * 2025-07-01-preview); null: the instance's {@code default} policy.
     */
    String credentialPolicyName();

    default boolean isEnabled() {
        return !"disabled".equalsIgnoreCase(provisioningStatus());
    }
}
