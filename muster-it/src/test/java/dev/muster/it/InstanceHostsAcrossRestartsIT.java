package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.tls.TrustContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A Muster of its own (other ports, own data folder): a new instance's loopback host is served at once, under the
 * re-issued certificate, and again after a restart.
 */
class InstanceHostsAcrossRestartsIT {
    private static final int HTTPS = 29443;

    private static HttpResponse<String> call(HttpClient http, String connectionString, String method, String path,
                                             String body) throws Exception {
        ConnectionString cs = ConnectionString.parse(connectionString);
        String token = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 600);
        return http.send(HttpRequest.newBuilder(URI.create("https://" + cs.hostName() + ":" + HTTPS + path
                        + "?api-version=2021-10-01")).header("Authorization", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNewInstancesHostIsServedAtOnceAndAfterARestart() throws Exception {
        Path dir = Files.createTempDirectory("muster-restart-");
        ServerConfig config = ServerConfig.builder(dir).metrics("127.0.0.1", 0).ports(HTTPS, 29883, 29671).crl(0, null).build();
        String tenant;
        try (MusterServer first = new MusterServer(config)) {
            ConnectionInfo info = first.start();
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(TrustContexts.trusting(Path.of(info.caCertificate()))).build();
            HttpResponse<String> created = call(http, info.serviceConnectionString(), "PUT", "/instances/restarted", "{}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            tenant = Json.tree(created.body()).path("connectionString").asText();
            assertThat(tenant).contains("HostName=127.0.30.1;");
            // A fresh client: a new TLS handshake must see the re-issued certificate with the new address.
            HttpClient fresh = HttpClient.newBuilder()
                    .sslContext(TrustContexts.trusting(Path.of(info.caCertificate()))).build();
            assertThat(call(fresh, tenant, "GET", "/instance", null).statusCode()).isEqualTo(200);
            assertThat(call(fresh, info.serviceConnectionString(), "GET", "/instance", null).statusCode()).isEqualTo(200);
        }
        try (MusterServer second = new MusterServer(config)) {
            ConnectionInfo info = second.start();
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(TrustContexts.trusting(Path.of(info.caCertificate()))).build();
            HttpResponse<String> r = call(http, tenant, "GET", "/instance", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode doc = Json.tree(r.body());
            assertThat(doc.path("name").asText()).isEqualTo("restarted");
            assertThat(info.serviceConnectionString()).contains("HostName=localhost;");
        }
    }
}
