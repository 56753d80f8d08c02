package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.muster.core.Json;
import dev.muster.core.testing.SoftHsm;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issuing CAs beyond the generated one: an operator's intermediate uploaded with its key, and a CA whose key stays in
 * a SoftHSM2 token. A policy names the CA, an enrollment names the policy, a device registers over raw HTTPS with an
 * openssl CSR, gets a chain ending with that CA's root and connects to the built-in hub with it (Java DeviceClient).
 */
class IssuingCaIT {
    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static HttpResponse<String> service(String method, String path, ObjectNode body) throws Exception {
        return ServiceRest.call(MusterUnderTest.info().serviceConnectionString(), method, path,
                body == null ? null : Json.write(body));
    }

    /** A policy naming the CA, and an enrollment naming the policy. */
    private static CertificateIssuanceIT.Enrolled enrollUnder(String caName) throws Exception {
        String policy = "it-policy-" + suffix();
        HttpResponse<String> p = service("PUT", "/certificatePolicies/" + policy,
                Json.object().put("issuingCa", caName));
        assertThat(p.statusCode()).as(p.body()).isEqualTo(201);
        String registrationId = "it-ca-" + suffix();
        HttpResponse<String> e = service("PUT", "/enrollments/" + registrationId, (ObjectNode) Json.object()
                .put("registrationId", registrationId).put("credentialPolicyName", policy)
                .set("attestation", Json.tree("{\"type\":\"symmetricKey\"}")));
        assertThat(e.statusCode()).as(e.body()).isEqualTo(200);
        return new CertificateIssuanceIT.Enrolled(registrationId,
                ServiceRest.json(e).path("attestation").path("symmetricKey").path("primaryKey").asText());
    }

    /** Registers with an openssl CSR, connects over MQTT with leaf and intermediates, and returns the chain. */
    private static List<X509Certificate> registerAndConnect(CertificateIssuanceIT.Enrolled device) throws Exception {
        CertificateIssuanceIT.KeyAndCsr csr = CertificateIssuanceIT.opensslCsr(device.registrationId());
        HttpResponse<String> r = CertificateIssuanceIT.register(device, csr.csr(), CertificateIssuanceIT.PREVIEW);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Json.tree(r.body());
        List<X509Certificate> chain = CertificateIssuanceIT.chain(answer);
        // The hub anchors the root; the device sends its leaf and the intermediates between.
        X509Devices.Identity identity = new X509Devices.Identity(chain.get(0), csr.key(),
                chain.subList(1, chain.size() - 1));
        assertThat(CertificateIssuanceIT.twinOver(IotHubClientProtocol.MQTT,
                answer.path("registrationState").path("assignedHub").asText(),
                answer.path("registrationState").path("deviceId").asText(), identity)).isNotNull();
        return chain;
    }

    /** A new root of the test's own: its certificate and key. */
    private static X509Devices.Identity newRoot() {
        KeyPair keys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        return new X509Devices.Identity(CertificateMaker.root("IT Operator Root " + suffix(), keys,
                Duration.ofDays(30)), keys.getPrivate(), List.of());
    }

    @Test
    void anUploadedIntermediateIssuesChainsEndingWithItsRootThatTheHubAccepts() throws Exception {
        X509Devices.Identity operatorRoot = newRoot();
        X509Certificate root = operatorRoot.cert();
        KeyPair icaKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate ica = CertificateMaker.intermediate("IT Operator ICA", icaKeys, root, operatorRoot.key(),
                Duration.ofDays(20));
        String name = "it-upload-" + suffix();

        HttpResponse<String> created = service("PUT", "/issuingCas/" + name, Json.object().put("kind", "uploaded")
                .put("certificates", Certificates.pem(List.of(ica, root)))
                .put("privateKey", Certificates.pem(icaKeys.getPrivate())));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode view = ServiceRest.json(created);
        assertThat(view.path("kind").asText()).isEqualTo("uploaded");
        assertThat(view.path("sha256Thumbprint").asText()).isEqualTo(Certificates.sha256(ica));
        assertThat(created.body()).as("never the key").doesNotContain("PRIVATE KEY");
        assertThat(ServiceRest.json(service("GET", "/issuingCas", null))).extracting(n -> n.path("name").asText())
                .contains("default", name);

        List<X509Certificate> chain = registerAndConnect(enrollUnder(name));
        assertThat(chain).hasSize(3);
        assertThat(chain.get(1)).isEqualTo(ica);
        assertThat(chain.get(2)).as("ends with the uploaded root").isEqualTo(root);

        HttpResponse<String> delete = service("DELETE", "/issuingCas/" + name, null);
        assertThat(delete.statusCode()).as("a policy names it").isEqualTo(409);
    }

    @Test
    void anUploadThatIsNotACaIsA400InAzuresShape() throws Exception {
        X509Devices.Identity root = newRoot();
        KeyPair leafKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate leaf = CertificateMaker.device("leaf", leafKeys, root.cert(), root.key(), Duration.ofDays(3));
        HttpResponse<String> r = service("PUT", "/issuingCas/it-bad-" + suffix(), Json.object()
                .put("kind", "uploaded").put("certificates", Certificates.pem(List.of(leaf, root.cert())))
                .put("privateKey", Certificates.pem(leafKeys.getPrivate())));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = ServiceRest.json(r);
        assertThat(error.path("errorCode").asInt()).isEqualTo(400004);
        assertThat(error.path("trackingId").asText()).isNotBlank();
        assertThat(error.path("message").asText()).contains("is not a CA");
    }

    @Test
    void aCaWhoseKeyStaysInASoftHsmTokenIssuesChainsTheHubAccepts() throws Exception {
        SoftHsm.assumeInstalled();
        String token = SoftHsm.newToken();
        String name = "it-hsm-" + suffix();
        HttpResponse<String> created = service("PUT", "/issuingCas/" + name, Json.object().put("kind", "pkcs11")
                .put("token", token).put("keyLabel", "ca-key").put("pin", SoftHsm.PIN));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode view = ServiceRest.json(created);
        assertThat(view.path("kind").asText()).isEqualTo("pkcs11");
        assertThat(view.path("keyUri").asText()).isEqualTo("pkcs11:token=" + token + ";object=ca-key");
        assertThat(created.body()).as("never the PIN").doesNotContain("\"pin\"");
        X509Certificate root = Certificates.parseAll(view.path("certificates").asText(), "root").get(0);

        List<X509Certificate> chain = registerAndConnect(enrollUnder(name));
        assertThat(chain).hasSize(2);
        assertThat(chain.get(1)).isEqualTo(root);
        chain.get(0).verify(root.getPublicKey());
    }

    @Test
    void aWrongTokenPinIsA400NamingTheFix() throws Exception {
        SoftHsm.assumeInstalled();
        HttpResponse<String> r = service("PUT", "/issuingCas/it-pin-" + suffix(), Json.object().put("kind", "pkcs11")
                .put("token", SoftHsm.newToken()).put("keyLabel", "ca-key").put("pin", "0000"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(ServiceRest.json(r).path("message").asText()).contains("refused the PIN");
    }
}
