package dev.muster.core.registration;

import static dev.muster.core.x509.TestPki.chain;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.CertificateService;
import dev.muster.core.x509.Certificates;
import dev.muster.core.x509.ChainVerifier;
import dev.muster.core.x509.TestPki.Issued;
import dev.muster.core.x509.TestPki;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** X.509 attestation through the registration engine, with the hub identity and hub trust it leads to. */
class X509RegistrationTest {
    private static final String INSTANCE = "contoso";
    private static final String SCOPE = "0ne00ABCDEF";
    private static final String HUB = "hub-one.muster.test";

    private final Clock clock = Clock.systemUTC();
    private final InMemoryStore store = new InMemoryStore();
    private final UsageMeter usage = new UsageMeter(store, clock);
    private final ChainVerifier chains = new ChainVerifier(clock);
    private final BuiltInHub builtIn = BuiltInHub.create(store, clock, chains);
    private final EnrollmentService enrollments = new EnrollmentService(store, store, store, store, usage, clock);
    private final CertificateService certificates = new CertificateService(store, store, chains, clock);
    private final RegistrationService service = RegistrationService.builder()
            .instances(store).enrollments(store).registrations(store).operations(store).linkedHubs(store)
            .hubClients(hub -> new BuiltInHubClient(builtIn, hub.hostName())).deviceClaims(store).usage(usage).clock(clock)
            .certificates(store).chains(chains).build();

    private final Issued root = TestPki.root("Fleet Root");
    private final Issued intermediate = root.issueCa("Fleet Intermediate");

    @BeforeEach
    void setUp() {
        store.createInstance(Fixtures.instance(INSTANCE, SCOPE));
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        store.saveLinkedHub(INSTANCE, new LinkedHub(HUB, "HostName=" + HUB + ";SharedAccessKeyName=iothubowner;"
                + "SharedAccessKey=" + Ids.policyKey(), 1, true));
    }

    private static AttestationMechanism x509(String json) {
        return new AttestationMechanism("x509", null, Json.tree(json), null);
    }

    private static String certs(String kind, X509Certificate c) {
        return "{\"" + kind + "\":{\"primary\":{\"certificate\":" + Json.write(Certificates.pem(c)) + "}}}";
    }

    private void enrollIndividual(String id, X509Certificate cert, String status) {
        enrollments.putEnrollment(INSTANCE, id, Fixtures.individual(id, null, x509(certs("clientCertificates", cert)),
                null, status, null, null), null);
    }

    private void enrollGroup(String id, String x509Json) {
        enrollments.putGroup(INSTANCE, id, Fixtures.group(id, x509(x509Json)), null);
    }

    private RegistrationOperationStatus register(String registrationId, List<X509Certificate> tlsChain) {
        return service.register(new RegistrationRequest(SCOPE, registrationId, null,
                new DeviceCredentials(null, tlsChain)), service.newOperationId());
    }

    private String refusedBecause(String registrationId, List<X509Certificate> tlsChain) {
        try {
            register(registrationId, tlsChain);
        } catch (ProvisioningException e) {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.errorCode()).isEqualTo(401002);
            assertThat(e.getMessage()).isEqualTo("Unauthorized");
            return service.failedAttempts(INSTANCE, registrationId, 1).get(0).failureDetail();
        }
        throw new AssertionError("expected a refusal");
    }

    private void verifiedCa(String name, X509Certificate ca) {
        certificates.put(INSTANCE, name, Certificates.pem(ca), true, null);
    }

    @Test
    void individualEnrollmentWithTheDevicesOwnCertificate() {
        Issued device = TestPki.selfSignedDevice("x509-dev1");
        enrollIndividual("x509-dev1", device.cert(), null);
        RegistrationOperationStatus r = register("x509-dev1", chain(device));
        assertThat(r.status()).isEqualTo("assigned");
        JsonNode json = Json.tree(Json.write(r));
        assertThat(json.path("registrationState").path("x509").isObject()).isTrue();
        assertThat(json.path("registrationState").has("symmetricKey")).isFalse();
        HubDevice hubDevice = builtIn.devices().device(HUB, "x509-dev1").orElseThrow();
        assertThat(hubDevice.authentication().type()).isEqualTo(AuthenticationMechanism.SELF_SIGNED);
        assertThat(hubDevice.authentication().x509Thumbprint().primaryThumbprint())
                .isEqualTo(Certificates.sha1(device.cert())).matches("[0-9A-F]{40}");
        assertThat(builtIn.authentication().authenticateDeviceCertificate(HUB, "x509-dev1", chain(device))).isEmpty();
        assertThat(builtIn.authentication().authenticateDeviceCertificate(HUB, "x509-dev1",
                chain(TestPki.selfSignedDevice("x509-dev1")))).get().asString().contains("matches neither thumbprint");
    }

    @Test
    void aSelfSignedImpostorWithTheSameCnIsRefused() {
        enrollIndividual("x509-dev2", TestPki.selfSignedDevice("x509-dev2").cert(), null);
        assertThat(refusedBecause("x509-dev2", chain(TestPki.selfSignedDevice("x509-dev2"))))
                .contains("is not a certificate of individual enrollment 'x509-dev2'");
    }

    @Test
    void theCertificateCnMustBeTheRegistrationId() {
        Issued device = TestPki.selfSignedDevice("x509-dev3");
        enrollIndividual("x509-dev3", device.cert(), null);
        assertThat(refusedBecause("someone-else", chain(device)))
                .contains("has subject CN 'x509-dev3', but the device registers as 'someone-else'");
    }

    @Test
    void anEnrolledButExpiredCertificateIsRefused() {
        var kp = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate old = TestPki.leafBuilder("x509-old", kp).validity(TestPki.daysAgo(30), TestPki.daysAgo(1))
                .signedBy(null, kp.getPrivate());
        enrollIndividual("x509-old", old, null);
        assertThat(refusedBecause("x509-old", List.of(old))).contains("expired on");
    }

    @Test
    void groupThroughAVerifiedRootByCaReference() {
        verifiedCa("fleet-root", root.cert());
        enrollGroup("fleet", "{\"caReferences\":{\"primary\":\"fleet-root\"}}");
        Issued device = intermediate.issueDevice("fleet-unit-1");
        RegistrationOperationStatus r = register("fleet-unit-1", chain(device, intermediate));
        assertThat(r.status()).isEqualTo("assigned");
        assertThat(((ObjectNode) Json.tree(Json.write(r))).path("registrationState").path("x509")
                .path("enrollmentGroupId").asText()).isEqualTo("fleet");
        // As Azure DPS does: the hub identity is pinned to the certificate the device registered with, so the hub
        // needs no CA and another tenant's CA that the shared hub might trust can never vouch for this device.
        var auth = builtIn.devices().device(HUB, "fleet-unit-1").orElseThrow().authentication();
        assertThat(auth.type()).isEqualTo(AuthenticationMechanism.SELF_SIGNED);
        assertThat(auth.x509Thumbprint().primaryThumbprint()).isEqualTo(Certificates.sha1(device.cert()));
        assertThat(builtIn.caTrust().trustedCertificates(HUB)).isEmpty();
        assertThat(builtIn.authentication().authenticateDeviceCertificate(HUB, "fleet-unit-1", chain(device, intermediate))).isEmpty();
        assertThat(builtIn.authentication().authenticateDeviceCertificate(HUB, "fleet-unit-1",
                chain(intermediate.issueDevice("fleet-unit-1")))).isPresent();
        assertThat(builtIn.authentication().authenticateDeviceCertificate(HUB, "fleet-unit-1",
                chain(TestPki.root("Other").issueDevice("fleet-unit-1")))).isPresent();
    }

    @Test
    void anUnverifiedCaReferenceIsNotTrusted() {
        certificates.put(INSTANCE, "pending-root", Certificates.pem(root.cert()), null, null);
        enrollGroup("pending", "{\"caReferences\":{\"primary\":\"pending-root\"}}");
        assertThat(refusedBecause("p-unit", chain(intermediate.issueDevice("p-unit"), intermediate)))
                .contains("group 'pending': its caReference 'pending-root'").contains("is not verified");
    }

    @Test
    void groupOnAnIntermediateSignerNeedsItsRootVerified() {
        enrollGroup("line", certs("signingCertificates", intermediate.cert()));
        Issued device = intermediate.issueDevice("line-unit-1");
        assertThat(refusedBecause("line-unit-1", chain(device, intermediate)))
                .contains("is an intermediate").contains("verified CA certificate");
        verifiedCa("fleet-root", root.cert());
        assertThat(register("line-unit-1", chain(device, intermediate)).status()).isEqualTo("assigned");
        assertThat(builtIn.caTrust().trustedCertificates(HUB)).isEmpty();
        // The device need not send the intermediate: the group knows it.
        assertThat(register("line-unit-2", chain(intermediate.issueDevice("line-unit-2"))).status()).isEqualTo("assigned");
        // A sibling intermediate under the same verified root is not this group's signer.
        Issued sibling = root.issueCa("Sibling Intermediate");
        assertThat(refusedBecause("line-unit-3", chain(sibling.issueDevice("line-unit-3"), sibling)))
                .contains("group 'line'");
    }

    @Test
    void groupOnASelfSignedRootUploadedWithIt() {
        enrollGroup("rooted", certs("signingCertificates", root.cert()));
        assertThat(register("r-unit", chain(intermediate.issueDevice("r-unit"), intermediate)).status())
                .isEqualTo("assigned");
        assertThat(refusedBecause("r-unit-2", chain(TestPki.root("Fleet Root").issueDevice("r-unit-2"))))
                .contains("signature does not verify");
    }

    @Test
    void aDisabledIndividualEnrollmentBlocksOneDeviceOfTheGroup() {
        enrollGroup("rooted", certs("signingCertificates", root.cert()));
        Issued device = intermediate.issueDevice("blocked-unit");
        enrollIndividual("blocked-unit", device.cert(), "disabled");
        assertThat(register("blocked-unit", chain(device, intermediate)).status()).isEqualTo("disabled");
        assertThat(register("other-unit", chain(intermediate.issueDevice("other-unit"), intermediate)).status())
                .isEqualTo("assigned");
    }

    @Test
    void anIndividualEnrollmentWinsOverTheGroup() {
        enrollGroup("rooted", certs("signingCertificates", root.cert()));
        Issued device = intermediate.issueDevice("own-unit");
        enrollIndividual("own-unit", device.cert(), null);
        register("own-unit", chain(device, intermediate));
        assertThat(builtIn.devices().device(HUB, "own-unit").orElseThrow().authentication().type())
                .isEqualTo(AuthenticationMechanism.SELF_SIGNED);
        assertThat(service.record(INSTANCE, "own-unit").enrollmentGroupId()).isNull();
    }

    @Test
    void aDeviceUnderNoGroupIsRefusedWithEveryGroupsReason() {
        enrollGroup("rooted", certs("signingCertificates", root.cert()));
        assertThat(refusedBecause("stray", chain(TestPki.root("Stray Root").issueDevice("stray"))))
                .contains("no individual enrollment 'stray'").contains("group 'rooted': no chain from");
    }

    @Test
    void aSymmetricKeyEnrollmentIsNotSatisfiedByACertificate() {
        enrollments.putEnrollment(INSTANCE, "sym", Fixtures.individual("sym", Fixtures.symmetricKey(null, null)), null);
        assertThat(refusedBecause("sym", chain(TestPki.selfSignedDevice("sym"))))
                .contains("uses symmetricKey attestation, but the device presented a client certificate");
    }
}
