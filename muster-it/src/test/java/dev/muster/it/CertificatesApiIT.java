package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import dev.muster.it.X509Devices.Identity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The instance's CA certificates and proof of possession over the service REST API (ARM-like shapes). */
class CertificatesApiIT {

    static HttpResponse<String> call(String method, String path, String body, String ifMatch) throws Exception {
        ConnectionString cs = ConnectionString.parse(MusterUnderTest.info().serviceConnectionString());
        String token = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 600);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.info().globalEndpoint()
                        + path)).header("Authorization", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return HttpClient.newBuilder().sslContext(MusterUnderTest.trust()).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void proofOfPossessionThroughTheRestApi() throws Exception {
        Identity root = X509Devices.root("PoP Root " + UUID.randomUUID());
        String name = "pop-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> put = call("PUT", "/certificates/" + name, Json.write(Map.of("certificate", root.pem())), null);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        JsonNode c = Json.tree(put.body());
        assertThat(c.path("name").asText()).isEqualTo(name);
        assertThat(c.path("properties").path("isVerified").asBoolean()).isFalse();
        assertThat(c.path("properties").path("thumbprint").asText()).isEqualTo(Certificates.sha1(root.cert()));
        assertThat(c.path("properties").path("sha256Thumbprint").asText()).isEqualTo(Certificates.sha256(root.cert()));
        assertThat(c.path("properties").path("subject").asText()).startsWith("CN=PoP Root");
        assertThat(c.path("properties").path("expiry").asText()).endsWith("Z");

        assertThat(call("POST", "/certificates/" + name + "/generateVerificationCode", null, null).statusCode())
                .as("If-Match is required").isEqualTo(400);
        assertThat(call("POST", "/certificates/" + name + "/generateVerificationCode", null, "\"stale\"").statusCode())
                .isEqualTo(412);
        JsonNode pending = Json.tree(call("POST", "/certificates/" + name + "/generateVerificationCode", null,
                c.path("etag").asText()).body());
        String code = pending.path("properties").path("verificationCode").asText();
        assertThat(code).isNotBlank();

        Identity impostor = X509Devices.root("Impostor");
        HttpResponse<String> wrong = call("POST", "/certificates/" + name + "/verify", Json.write(Map.of("certificate",
                Certificates.pem(CertificateMaker.verification(code, impostor.cert(), impostor.key())))),
                pending.path("etag").asText());
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(Json.tree(wrong.body()).path("message").asText()).contains("was issued by 'CN=Impostor");

        HttpResponse<String> ok = call("POST", "/certificates/" + name + "/verify", Json.write(Map.of("certificate",
                Certificates.pem(CertificateMaker.verification(code, root.cert(), root.key())))),
                pending.path("etag").asText());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(Json.tree(ok.body()).path("properties").path("isVerified").asBoolean()).isTrue();

        JsonNode list = Json.tree(call("GET", "/certificates", null, null).body());
        assertThat(list.path("value").findValuesAsText("name")).contains(name);
        assertThat(call("DELETE", "/certificates/" + name, null, null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/certificates/" + name, null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void malformedUploadsAreRefusedWith400() throws Exception {
        String path = "/certificates/bad-" + UUID.randomUUID().toString().substring(0, 8);
        for (String cert : new String[] {"not a certificate!", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
                "AAAAAAAA", Certificates.pem(X509Devices.selfSigned("leaf").cert())}) {
            HttpResponse<String> r = call("PUT", path, Json.write(Map.of("certificate", cert)), null);
            assertThat(r.statusCode()).as(cert).isEqualTo(400);
            assertThat(Json.tree(r.body()).path("message").asText()).containsIgnoringCase("certificate");
        }
        HttpResponse<String> r = call("PUT", path, "{\"isVerified\":true}", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(call("PUT", path, "{not json", null).statusCode()).isEqualTo(400);
        assertThat(call("GET", path, null, null).statusCode()).isEqualTo(404);
        // An enrollment with a malformed certificate is refused the same way.
        HttpResponse<String> e = ServiceApiIT.raw("PUT", "/enrollments/bad-x509", "{\"attestation\":{\"type\":\"x509\","
                + "\"x509\":{\"clientCertificates\":{\"primary\":{\"certificate\":\"@@@\"}}}}}");
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(Json.tree(e.body()).path("message").asText())
                .contains("attestation.x509.clientCertificates.primary.certificate");
    }
}
