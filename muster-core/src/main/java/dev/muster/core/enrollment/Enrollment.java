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

    default boolean isEnabled() {
        return !"disabled".equalsIgnoreCase(provisioningStatus());
    }
}
