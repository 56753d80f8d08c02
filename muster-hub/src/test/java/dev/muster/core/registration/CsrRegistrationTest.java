package dev.muster.core.registration;

import static dev.muster.core.testing.Fixtures.individual;
import static dev.muster.core.testing.Fixtures.symmetricKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.CertificatePolicy;
import dev.muster.core.issuance.CsrCheck;
import dev.muster.core.issuance.IssuedCertificate;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.InMemoryIssuanceStore;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.core.testing.Sas;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registrations that carry a csr (data-plane 2025-07-01-preview): checked, signed once assigned, never stored. */
class CsrRegistrationTest {
    private static final String INSTANCE = "contoso";
    private static final String SCOPE = "0ne00ABCDEF";
    private static final String HUB = "hub-one.muster.test";
    private static final String PREVIEW = "2025-07-01-preview";

    private final MutableClock clock = new MutableClock(Instant.now());
    private final InMemoryStore store = new InMemoryStore();
    private final InMemoryIssuanceStore issued = new InMemoryIssuanceStore();
    private final UsageMeter usage = new UsageMeter(store, clock);
    private final BuiltInHub builtIn = BuiltInHub.create(store, clock);
    private final EnrollmentService enrollments = new EnrollmentService(store, store, store, usage, clock);
    private final RegistrationService service = RegistrationService.builder().instances(store).enrollments(store)
            .registrations(store).operations(store).linkedHubs(store)
            .hubClients(hub -> new BuiltInHubClient(builtIn, hub.hostName())).deviceClaims(store).usage(usage)
            .clock(clock).issuance(new CertificateIssuance(issued, clock)).build();
    private IndividualEnrollment enrollment;

    @BeforeEach
    void setUp() {
        assertThat(store.createInstance(Fixtures.instance(INSTANCE, SCOPE))).isTrue();
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        store.saveLinkedHub(INSTANCE, new LinkedHub(HUB, "HostName=" + HUB + ";SharedAccessKeyName=iothubowner;"
                + "SharedAccessKey=" + Ids.policyKey(), 1, true));
        enrollment = enrollments.putEnrollment(INSTANCE, "dev1",
                individual("dev1", symmetricKey(Ids.symmetricKey(), Ids.symmetricKey())), null).value();
    }

    private RegistrationOperationStatus register(String csr, String apiVersion) {
        ObjectNode body = Json.object().put("registrationId", "dev1");
        if (csr != null) {
            body.put("csr", csr);
        }
        return service.register(new RegistrationRequest(SCOPE, "dev1", body, DeviceCredentials.sas(token()),
                apiVersion), service.newOperationId());
    }

    private String token() {
        return Sas.javaDevice(SCOPE + "/registrations/dev1", enrollment.attestation().symmetricKey().primaryKey(),
                clock.instant().getEpochSecond() + 3600);
    }

    private static String csr(String cn, KeyPair keys) {
        try {
            return Base64.getEncoder().encodeToString(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn),
                    keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                    .getEncoded());
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate der(String base64) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }

    private static ProvisioningException refusal(Runnable call) {
        try {
            call.run();
        } catch (ProvisioningException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void aCsrWithThePreviewApiVersionGetsItsChainAndACertificateAuthorityHubIdentity() throws Exception {
        KeyPair keys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        RegistrationOperationStatus r = register(csr("dev1", keys), PREVIEW);

        assertThat(r.status()).isEqualTo("assigned");
        List<String> chain = r.registrationState().issuedCertificateChain();
        assertThat(chain).hasSize(2);
        X509Certificate leaf = der(chain.get(0));
        assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(Certificates.commonName(leaf)).isEqualTo("dev1");
        assertThat(Certificates.isSelfSigned(der(chain.get(1)))).as("ends with the root").isTrue();
        assertThat(builtIn.devices().device(HUB, "dev1").orElseThrow().authentication().type())
                .isEqualTo(AuthenticationMechanism.CERTIFICATE_AUTHORITY);
        // The poll repeats the chain; the record and the status look-up never carry it.
        assertThat(service.operationStatus(SCOPE, "dev1", r.operationId(), DeviceCredentials.sas(token()))
                .registrationState().issuedCertificateChain()).isEqualTo(chain);
        assertThat(service.record(INSTANCE, "dev1").issuedCertificateChain()).isNull();
        List<IssuedCertificate> inventory = issued.issuedTo(INSTANCE, "dev1");
        assertThat(inventory).singleElement().satisfies(c -> {
            assertThat(c.sha256Thumbprint()).isEqualTo(Certificates.sha256(leaf));
            assertThat(c.policyName()).isEqualTo("default");
            assertThat(c.notAfter()).isEqualTo(leaf.getNotAfter().toInstant());
        });
    }

    @Test
    void registeringAgainWithANewCsrRenewsTheCertificateFromTheSameCa() throws Exception {
        RegistrationOperationStatus first = register(csr("dev1", CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256)), PREVIEW);
        RegistrationOperationStatus second = register(csr("dev1", CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P384)), PREVIEW);
        List<String> a = first.registrationState().issuedCertificateChain();
        List<String> b = second.registrationState().issuedCertificateChain();
        assertThat(b.get(0)).isNotEqualTo(a.get(0));
        assertThat(b.get(1)).as("one CA per instance").isEqualTo(a.get(1));
        assertThat(issued.issuedTo(INSTANCE, "dev1")).hasSize(2);
    }

    @Test
    void aCsrWithAnOlderApiVersionIsA400NamingTheVersion() {
        ProvisioningException e = refusal(() -> register(csr("dev1",
                CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256)), "2021-10-01"));
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("'2021-10-01'").contains(PREVIEW);
        assertThat(refusal(() -> register(csr("dev1", CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256)),
                null)).getMessage()).contains("missing");
        assertThat(builtIn.devices().device(HUB, "dev1")).isEmpty();
    }

    @Test
    void aRefusedCsrIsA400ForTheDeviceWithTheReasonKeptForOperators() {
        ProvisioningException e = refusal(() -> register(csr("dev2",
                CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256)), PREVIEW));
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.errorCode()).isEqualTo(CsrCheck.CSR_REFUSED);
        assertThat(e.getMessage()).doesNotContain("dev2");
        RegistrationOperation failed = service.failedAttempts(INSTANCE, "dev1", 10).get(0);
        assertThat(failed.failureDetail()).contains("CSR refused").contains("'dev2'");
        assertThat(builtIn.devices().device(HUB, "dev1")).as("no hub identity").isEmpty();
        assertThat(issued.issuedTo(INSTANCE, "dev1")).isEmpty();
    }

    @Test
    void withoutACsrNothingIsIssuedAndTheDeviceKeepsSas() {
        DeviceRegistrationState s = register(null, PREVIEW).registrationState();
        assertThat(s.issuedCertificateChain()).isNull();
        assertThat(builtIn.devices().device(HUB, "dev1").orElseThrow().authentication().type())
                .isEqualTo(AuthenticationMechanism.SAS);
        assertThat(Json.write(s)).doesNotContain("issuedCertificateChain");
    }

    private void enrollWithPolicy(String policyName) throws Exception {
        ObjectNode body = (ObjectNode) Json.tree(Json.write(individual("dev1", symmetricKey(
                enrollment.attestation().symmetricKey().primaryKey(), Ids.symmetricKey()))));
        body.put("credentialPolicyName", policyName);
        enrollment = enrollments.putEnrollment(INSTANCE, "dev1", Json.MAPPER.treeToValue(body,
                IndividualEnrollment.class), "*").value();
        assertThat(enrollment.credentialPolicyName()).isEqualTo(policyName);
    }

    @Test
    void anEnrollmentsCredentialPolicyDecidesValidityAndKeyTypes() throws Exception {
        issued.insertPolicy(INSTANCE, new CertificatePolicy("short-ec", "default", 7,
                java.util.EnumSet.of(dev.muster.core.issuance.KeyType.EC_P256), null));
        enrollWithPolicy("short-ec");
        RegistrationOperationStatus r = register(csr("dev1", CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256)),
                PREVIEW);
        X509Certificate leaf = der(r.registrationState().issuedCertificateChain().get(0));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(java.time.Duration.ofDays(7))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(issued.issuedTo(INSTANCE, "dev1").get(0).policyName()).isEqualTo("short-ec");
    }

    @Test
    void anEnrollmentNamingAMissingPolicyIsRefusedAndOperatorsLearnWhich() throws Exception {
        enrollWithPolicy("nowhere");
        ProvisioningException e = refusal(() -> register(csr("dev1",
                CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256)), PREVIEW));
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(service.failedAttempts(INSTANCE, "dev1", 10).get(0).failureDetail()).contains("'nowhere'");
    }

    @Test
    void versionsFromThePreviewOnAllowCsrs() {
        assertThat(CsrIssuanceStep.supportsCsr("2025-07-01-preview")).isTrue();
        assertThat(CsrIssuanceStep.supportsCsr("2026-11-01")).isTrue();
        assertThat(CsrIssuanceStep.supportsCsr("2021-10-01")).isFalse();
        assertThat(CsrIssuanceStep.supportsCsr("latest")).isFalse();
    }
}
