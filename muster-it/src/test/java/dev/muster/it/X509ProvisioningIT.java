package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ProvisioningStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.X509Attestation;
import dev.muster.core.Json;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import dev.muster.it.X509Devices.Identity;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** X.509 attestation with the official Azure Java SDKs: the X.509 security provider, DPS over HTTPS and MQTT, hub. */
class X509ProvisioningIT {

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void assertAssigned(Devices.Outcome o, String deviceId) {
        assertThat(o.error()).as(String.valueOf(o.error())).isNull();
        assertThat(o.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(o.result().getIothubUri()).isEqualTo(MusterUnderTest.hub());
        assertThat(o.result().getDeviceId()).isEqualTo(deviceId);
    }

    static void assertRefused(Devices.Outcome o) {
        assertThat(o.result() == null || o.result().getProvisioningDeviceClientStatus()
                != ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED).isTrue();
        assertThat(o.error()).isNotNull();
    }

    /** The newest failed attempt's operator-only reason. */
    static String lastRefusal(String registrationId) throws Exception {
        JsonNode attempts = Json.tree(ServiceApiIT.raw("GET", "/registrations/" + registrationId + "/attempts", null)
                .body());
        assertThat(attempts.size()).as("failed attempts of " + registrationId).isPositive();
        return attempts.get(0).path("reason").asText();
    }

    static void uploadVerified(String name, Identity ca) throws Exception {
        HttpResponse<String> r = ServiceApiIT.raw("PUT", "/certificates/" + name,
                Json.write(java.util.Map.of("certificate", ca.pem(), "isVerified", true)));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    }

    /** The hub device's twin over MQTT with the client certificate (no password), then a reported property. */
    static void useHub(DeviceClient device, String deviceId) throws Exception {
        try {
            device.open(false);
            device.subscribeToDesiredProperties((t, c) -> { }, null);
            assertThat(TwinReads.get(device)).isNotNull();
            TwinCollection reported = new TwinCollection();
            reported.put("auth", "x509");
            ReportedProperties.send(device, reported);
            assertThat(MusterUnderTest.server().builtInHub().twins().twinJson(MusterUnderTest.hub(), deviceId).orElseThrow()
                    .path("properties").path("reported").path("auth").asText()).isEqualTo("x509");
        } finally {
            device.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class,
            names = {"HTTPS", "MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void individualEnrollmentWithTheDeviceCertificate(ProvisioningDeviceClientTransportProtocol protocol)
            throws Exception {
        String regId = id("x509-ind-" + protocol.name().toLowerCase());
        Identity device = X509Devices.selfSigned(regId);
        IndividualEnrollment created = ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(regId, X509Attestation.createFromClientCertificates(device.pem())));
        assertThat(((X509Attestation) created.getAttestation()).getPrimaryX509CertificateInfo().getSha1Thumbprint())
                .isEqualTo(Certificates.sha1(device.cert()));

        assertAssigned(X509Devices.register(device, protocol), regId);
        HubDevice hubDevice = MusterUnderTest.server().builtInHub().devices().device(MusterUnderTest.hub(), regId).orElseThrow();
        assertThat(hubDevice.authentication().type()).isEqualTo("selfSigned");
        assertThat(hubDevice.authentication().x509Thumbprint().primaryThumbprint())
                .isEqualTo(Certificates.sha1(device.cert()));
        assertThat(Json.tree(ServiceApiIT.raw("GET", "/registrations/" + regId, null).body()).has("x509")).isTrue();

        useHub(X509Devices.hubClient(MusterUnderTest.hub(), regId, device), regId);
    }

    @Test
    void groupOnAnIntermediateSignerWhoseRootIsVerified() throws Exception {
        Identity root = X509Devices.root(id("Line Root"));
        Identity intermediate = root.issueCa(id("Line Intermediate"));
        uploadVerified(id("line-root"), root);
        String groupId = id("x509-line");
        ServiceClients.dps().createOrUpdateEnrollmentGroup(new EnrollmentGroup(groupId,
                X509Attestation.createFromRootCertificates(intermediate.pem())));

        Identity device = intermediate.issueDevice(groupId + "-unit-1");
        assertAssigned(X509Devices.register(device, ProvisioningDeviceClientTransportProtocol.HTTPS), device.cn());
        HubDevice hubDevice = MusterUnderTest.server().builtInHub().devices().device(MusterUnderTest.hub(), device.cn())
                .orElseThrow();
        // As Azure DPS creates it: pinned to the registered certificate, so the hub needs (and gets) no CA.
        assertThat(hubDevice.authentication().type()).isEqualTo("selfSigned");
        assertThat(hubDevice.authentication().x509Thumbprint().primaryThumbprint())
                .isEqualTo(Certificates.sha1(device.cert()));
        assertThat(MusterUnderTest.server().builtInHub().caTrust().trustedCertificates(MusterUnderTest.hub()))
                .noneMatch(t -> t.sha256Thumbprint().equals(Certificates.sha256(intermediate.cert())));
        useHub(X509Devices.hubClientFromProvider(MusterUnderTest.hub(), device.cn(), device), device.cn());

        // A device of a sibling intermediate under the same verified root is not this group's.
        Identity sibling = root.issueCa(id("Sibling"));
        Identity stranger = sibling.issueDevice(groupId + "-unit-2");
        assertRefused(X509Devices.register(stranger, ProvisioningDeviceClientTransportProtocol.HTTPS));
        assertThat(lastRefusal(stranger.cn())).contains("group '" + groupId + "'");
    }

    @Test
    void groupOnAVerifiedRootByCaReferenceOverMqtt() throws Exception {
        Identity root = X509Devices.root(id("Fleet Root"));
        Identity intermediate = root.issueCa(id("Fleet Intermediate"));
        String name = id("fleet-root");
        uploadVerified(name, root);
        String groupId = id("x509-fleet");
        ServiceClients.dps().createOrUpdateEnrollmentGroup(new EnrollmentGroup(groupId,
                X509Attestation.createFromCAReferences(name)));
        Identity device = intermediate.issueDevice(groupId + "-unit-1", CertificateMaker.KeyType.RSA_2048);
        Devices.Outcome o = X509Devices.register(device, ProvisioningDeviceClientTransportProtocol.MQTT);
        assertAssigned(o, device.cn());
        useHub(X509Devices.hubClient(MusterUnderTest.hub(), device.cn(), device), device.cn());
        JsonNode record = Json.tree(ServiceApiIT.raw("GET", "/registrations/" + device.cn(), null).body());
        assertThat(record.path("x509").path("enrollmentGroupId").asText()).isEqualTo(groupId);
    }

    @Test
    void impostorsAreRefusedWithTheReasonRecordedForTheOperator() throws Exception {
        // Enrolled individually: a self-signed certificate with the same CN is not it.
        String regId = id("x509-target");
        Identity genuine = X509Devices.selfSigned(regId);
        ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(regId, X509Attestation.createFromClientCertificates(genuine.pem())));
        Identity impostor = X509Devices.selfSigned(regId);
        assertRefused(X509Devices.register(impostor, ProvisioningDeviceClientTransportProtocol.HTTPS));
        assertThat(lastRefusal(regId)).contains("is not a certificate of individual enrollment '" + regId + "'");
        HttpResponse<String> raw = X509Devices.rawRegister(impostor, regId);
        assertThat(raw.statusCode()).isEqualTo(401);
        assertThat(Json.tree(raw.body()).path("errorCode").asInt()).isEqualTo(401002);
        assertThat(Json.tree(raw.body()).path("message").asText()).isEqualTo("Unauthorized");
        assertRefused(X509Devices.register(impostor, ProvisioningDeviceClientTransportProtocol.MQTT));

        // Wrong CN: the genuine certificate, registering as someone else.
        HttpResponse<String> wrongCn = X509Devices.rawRegister(genuine, regId + "-other");
        assertThat(wrongCn.statusCode()).isEqualTo(401);
        assertThat(lastRefusal(regId + "-other")).contains("has subject CN '" + regId + "'");

        // A group on a verified root: an unrelated CA's device and an expired device are refused.
        Identity root = X509Devices.root(id("Guarded Root"));
        String name = id("guarded");
        uploadVerified(name, root);
        String groupId = id("x509-guarded");
        ServiceClients.dps().createOrUpdateEnrollmentGroup(new EnrollmentGroup(groupId,
                X509Attestation.createFromCAReferences(name)));
        Identity unrelated = X509Devices.root(id("Unrelated Root")).issueDevice(groupId + "-u1");
        assertRefused(X509Devices.register(unrelated, ProvisioningDeviceClientTransportProtocol.HTTPS));
        assertThat(lastRefusal(unrelated.cn())).contains("no chain from");

        KeyPair kp = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        Identity expired = root.issue(CertificateMaker.builder(groupId + "-u2", kp.getPublic()).leaf()
                .validity(Instant.now().minus(10, ChronoUnit.DAYS), Instant.now().minus(1, ChronoUnit.DAYS)), kp);
        HttpResponse<String> r = X509Devices.rawRegister(expired, expired.cn());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(lastRefusal(expired.cn())).contains("expired on");

        // Disabled enrollment: a disabled individual enrollment blocks one device of the group.
        Identity blocked = root.issueDevice(groupId + "-u3");
        IndividualEnrollment block = new IndividualEnrollment(blocked.cn(),
                X509Attestation.createFromClientCertificates(blocked.pem()));
        block.setProvisioningStatus(ProvisioningStatus.DISABLED);
        ServiceClients.dps().createOrUpdateIndividualEnrollment(block);
        assertRefused(X509Devices.register(blocked, ProvisioningDeviceClientTransportProtocol.HTTPS));
        HttpResponse<String> disabled = X509Devices.rawRegister(blocked, blocked.cn());
        assertThat(Json.tree(disabled.body()).path("status").asText()).isEqualTo("disabled");
        assertAssigned(X509Devices.register(root.issueDevice(groupId + "-u4"),
                ProvisioningDeviceClientTransportProtocol.HTTPS), groupId + "-u4");
    }

    @Test
    void theHubRefusesAnotherCertificateForTheDevice() throws Exception {
        String regId = id("x509-hubguard");
        Identity genuine = X509Devices.selfSigned(regId);
        ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(regId, X509Attestation.createFromClientCertificates(genuine.pem())));
        assertAssigned(X509Devices.register(genuine, ProvisioningDeviceClientTransportProtocol.HTTPS), regId);
        DeviceClient impostor = X509Devices.hubClient(MusterUnderTest.hub(), regId, X509Devices.selfSigned(regId));
        try {
            assertThatThrownBy(() -> impostor.open(false)).isNotNull();
        } finally {
            impostor.close();
        }
    }

    @Test
    void rawRegistrationWorksOverTls12AndTls13() throws Exception {
        String regId = id("x509-tls");
        Identity device = X509Devices.selfSigned(regId);
        ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(regId, X509Attestation.createFromClientCertificates(device.pem())));
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            HttpResponse<String> r = X509Devices.rawRegister(X509Devices.sslContext(device, protocol), regId);
            assertThat(r.statusCode()).as(protocol + ": " + r.body()).isEqualTo(200);
            assertThat(Json.tree(r.body()).path("status").asText()).isEqualTo("assigned");
        }
    }
}
