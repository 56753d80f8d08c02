package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.it.CliIT.Run;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Operating certificate issuance from the command line: policies, a registration's certificates, revocation. */
class CertificatePolicyCliIT {

    private static Run ok(String... args) {
        Run r = CliIT.muster(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
        return r;
    }

    @Test
    void aPolicyIsMadeChangedListedWithItsCertificatesAndKeptWhileEnrollmentsNameIt() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String policy = "cli-fleet-" + tag;
        assertThat(ok("certificate-policy", "set", policy, "--validity-days", "7", "--key-types", "ec-p256,EC-P384")
                .out()).contains("Created certificate policy " + policy).contains("ec-p384");
        Run updated = ok("certificate-policy", "set", policy, "--validity-days", "14");
        assertThat(updated.out()).contains("Updated");
        JsonNode shown = Json.tree(ok("certificate-policy", "show", policy, "-o", "json").out());
        assertThat(shown.path("validityDays").asInt()).isEqualTo(14);
        assertThat(shown.path("keyTypes")).hasSize(2);
        assertThat(ok("certificate-policy", "list").out()).contains(policy).contains("default");
        assertThat(CliIT.muster("certificate-policy", "set", policy, "--validity-days", "3", "--etag", "\"stale\"")
                .exit()).as("stale etag").isEqualTo(5);

        String service = MusterUnderTest.info().serviceConnectionString();
        String registrationId = "cli-csr-" + tag;
        JsonNode enrollment = Json.tree(ok("enrollment", "create", registrationId, "--credential-policy", policy,
                "-o", "json").out());
        assertThat(enrollment.path("credentialPolicyName").asText()).isEqualTo(policy);
        assertThat(ok("enrollment", "show", registrationId).out()).contains("credentialPolicyName").contains(policy);
        CertificateIssuanceIT.Enrolled device = new CertificateIssuanceIT.Enrolled(registrationId,
                enrollment.path("attestation").path("symmetricKey").path("primaryKey").asText());
        HttpResponse<String> registered = CertificateIssuanceIT.register(device,
                CertificateIssuanceIT.bouncyCastleCsr(registrationId).csr(), CertificateIssuanceIT.PREVIEW);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

        JsonNode issued = Json.tree(ok("registration", "certificates", registrationId, "-o", "json").out());
        assertThat(issued).hasSize(1);
        String serial = issued.get(0).path("serialNumber").asText();
        assertThat(ok("registration", "certificates", registrationId).out()).contains(serial).contains(policy);
        JsonNode underPolicy = Json.tree(ok("certificate-policy", "certificates", policy, "-o", "json").out());
        assertThat(underPolicy.findValuesAsText("serialNumber")).containsExactly(serial);

        Run inUse = CliIT.muster("certificate-policy", "delete", policy);
        assertThat(inUse.exit()).isEqualTo(1);
        assertThat(inUse.err()).contains("409").contains("1 individual enrollment(s)");
        assertThat(CliIT.muster("certificate-policy", "delete", "default").err()).contains("400");

        assertThat(ok("registration", "revoke-certificates", registrationId, "--serial", serial).out())
                .contains("Revoked 1 certificate").contains(serial);
        assertThat(CliIT.muster("registration", "revoke-certificates", registrationId, "--serial", serial).exit())
                .as("nothing left to revoke with that serial").isEqualTo(4);
        assertThat(Json.tree(ok("registration", "certificates", registrationId, "-o", "json").out()).get(0)
                .has("revokedAt")).isTrue();

        assertThat(ServiceRest.call(service, "DELETE", "/enrollments/" + registrationId, null).statusCode())
                .isEqualTo(204);
        assertThat(ok("certificate-policy", "delete", policy).out()).contains("Deleted certificate policy");
        assertThat(CliIT.muster("certificate-policy", "show", policy).exit()).isEqualTo(4);
    }

    @Test
    void deviceRegisterWithACsrWritesTheIssuedChainAndARenewalAddsACertificate() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String registrationId = "cli-dev-" + tag;
        JsonNode enrollment = Json.tree(ok("enrollment", "create", registrationId, "-o", "json").out());
        String key = enrollment.path("attestation").path("symmetricKey").path("primaryKey").asText();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cli-csr");
        java.nio.file.Path chainFile = dir.resolve(registrationId + ".pem");
        for (int round = 1; round <= 2; round++) {
            CertificateIssuanceIT.KeyAndCsr csr = CertificateIssuanceIT.opensslCsr(registrationId);
            java.nio.file.Path csrFile = dir.resolve("request-" + round + ".der");
            java.nio.file.Files.write(csrFile, java.util.Base64.getDecoder().decode(csr.csr()));

            Run registered = ok("device", "register", registrationId, "--key", key, "--csr", csrFile.toString(),
                    "--certificate-out", chainFile.toString());

            assertThat(registered.out()).contains("Issued certificate chain (2 certificates, leaf first)")
                    .contains(";DeviceId=" + registrationId + ";x509=true");
            java.util.List<java.security.cert.X509Certificate> chain = dev.muster.core.x509.Certificates.parseAll(
                    java.nio.file.Files.readString(chainFile), "chain");
            assertThat(chain).hasSize(2);
            assertThat(dev.muster.core.x509.Certificates.commonName(chain.get(0))).isEqualTo(registrationId);
            chain.get(0).verify(chain.get(1).getPublicKey());
            assertThat(chain.get(1).getSubjectX500Principal()).isEqualTo(chain.get(1).getIssuerX500Principal());
        }
        assertThat(Json.tree(ok("registration", "certificates", registrationId, "-o", "json").out())).hasSize(2);

        java.nio.file.Path notACsr = dir.resolve("not-a-csr.der");
        java.nio.file.Files.writeString(notACsr, "hello");
        Run refused = CliIT.muster("device", "register", registrationId, "--key", key, "--csr", notACsr.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("neither a DER nor a PEM certificate signing request");
    }
}
