package dev.muster.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.CustomAllocationDefinition;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.ReprovisionPolicy;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationOperationStatus;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/** Documents with every field populated, so a round trip that drops or mangles one shows up as inequality. */
final class Fixtures {
    private Fixtures() {}

    static ProvisioningInstance instance(String name, String idScope, String host) {
        return new ProvisioningInstance(name, idScope, host, "hashed", List.of(
                SharedAccessPolicy.owner(Ids.policyKey(), Ids.policyKey()),
                new SharedAccessPolicy("reader", Ids.policyKey(), null,
                        EnumSet.of(AccessRight.EnrollmentRead, AccessRight.RegistrationStatusRead))));
    }

    static IndividualEnrollment enrollment(String registrationId) {
        return enrollment(registrationId, AttestationMechanism.symmetricKey(Ids.symmetricKey(), Ids.symmetricKey()));
    }

    static IndividualEnrollment enrollment(String registrationId, AttestationMechanism attestation) {
        ObjectNode info = Json.object();
        info.putObject("properties").put("model", "thermostat").put("rev", 3);
        return new IndividualEnrollment(registrationId, "device-" + registrationId, null, info, attestation,
                new DeviceCapabilities(true), "hub-a.example.net", twinState(), Ids.etag(), "enabled",
                new ReprovisionPolicy(true, false), "2024-05-01T10:00:00.0000000Z", "2024-05-01T10:00:00.0000000Z",
                "static", List.of("hub-a.example.net"), new CustomAllocationDefinition("https://alloc.example/", "2021-10-01"));
    }

    static EnrollmentGroup group(String groupId) {
        return group(groupId, AttestationMechanism.symmetricKey(Ids.symmetricKey(), Ids.symmetricKey()));
    }

    static EnrollmentGroup group(String groupId, AttestationMechanism attestation) {
        return new EnrollmentGroup(groupId, attestation, DeviceCapabilities.NONE, null, twinState(), Ids.etag(), "enabled",
                ReprovisionPolicy.DEFAULT, "2024-05-01T10:00:00.0000000Z", "2024-05-02T11:30:00.1234567Z", "hashed",
                List.of(), null);
    }

    static AttestationMechanism x509() {
        ObjectNode x509 = Json.object();
        x509.putObject("signingCertificates").putObject("primary").put("certificate", "MIIB...");
        return new AttestationMechanism(AttestationMechanism.X509, null, x509, null);
    }

    static TwinState twinState() {
        ObjectNode tags = Json.object().put("site", "north");
        ObjectNode desired = Json.object();
        desired.putObject("telemetry").put("interval", 30).putNull("legacy");
        return new TwinState(tags, new TwinState.Properties(desired));
    }

    static RegistrationRecord registration(String registrationId, String groupId) {
        ObjectNode attestation = Json.object();
        if (groupId != null) {
            attestation.put("enrollmentGroupId", groupId);
        }
        DeviceRegistrationState state = new DeviceRegistrationState(registrationId, "2024-05-01T10:00:00.0000000Z",
                "hub-a.example.net", "device-" + registrationId, DeviceRegistrationState.ASSIGNED,
                DeviceRegistrationState.INITIAL_ASSIGNMENT, null, null, "2024-05-01T10:00:01.0000000Z", Ids.etag(),
                Json.object().put("firmware", "1.2.3"), attestation, null, null);
        return new RegistrationRecord(state, groupId, "hub-a.example.net");
    }

    static RegistrationOperation succeeded(String operationId, String registrationId, Instant at) {
        RegistrationRecord record = registration(registrationId, null);
        return new RegistrationOperation(operationId, registrationId,
                new RegistrationOperationStatus(operationId, DeviceRegistrationState.ASSIGNED, record.state()), null, at);
    }

    static RegistrationOperation failed(String operationId, String registrationId, Instant at, String detail) {
        DeviceRegistrationState state = new DeviceRegistrationState(registrationId, "2024-05-01T10:00:00.0000000Z",
                null, null, DeviceRegistrationState.FAILED, null, 401002, "Unauthorized", "2024-05-01T10:00:00.0000000Z",
                null, null, null, null, null);
        return new RegistrationOperation(operationId, registrationId,
                new RegistrationOperationStatus(operationId, DeviceRegistrationState.FAILED, state), detail, at);
    }

    static LinkedHub linkedHub(String host, int weight) {
        return new LinkedHub(host, "HostName=" + host + ";SharedAccessKeyName=iothubowner;SharedAccessKey="
                + Ids.policyKey(), weight, true);
    }

    static BuiltInHubConfig builtInHub(String host) {
        return new BuiltInHubConfig(host, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey());
    }

    static HubDevice device(String deviceId) {
        return HubDevice.of(deviceId, AuthenticationMechanism.sas(Ids.symmetricKey(), Ids.symmetricKey()),
                        DeviceCapabilities.NONE)
                .withServerFields("gen-" + deviceId, Ids.etag(), "enabled", "2024-05-01T10:00:00.0000000Z",
                        AuthenticationMechanism.sas(Ids.symmetricKey(), Ids.symmetricKey()), DeviceCapabilities.NONE);
    }

    static DeviceTwin twin(String deviceId) {
        return new DeviceTwin(deviceId, Json.object(), Json.object(), 1, Json.object(), 1, 1, Ids.etag());
    }

    static DeviceTwin nextTwin(DeviceTwin t, String reportedKey, int value) {
        ObjectNode reported = t.reported().deepCopy().put(reportedKey, value);
        return new DeviceTwin(t.deviceId(), t.tags(), t.desired(), t.desiredVersion(), reported, t.reportedVersion() + 1,
                t.version() + 1, Ids.etag());
    }
}
