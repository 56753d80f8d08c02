package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The slow path: a server whose quick-answer budget is zero always answers 202 + Retry-After, and devices poll
 * the operation until it is assigned. Runs its own Muster on other ports (the Java SDK takes host:port over HTTPS).
 */
class PollingIT {
    private static MusterServer server;
    private static ConnectionInfo info;
    private static SSLContext trust;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("muster-polling-");
        ServerConfig config = ServerConfig.builder(dir).metrics("127.0.0.1", 0).ports(18443, 18883, 15671).crl(0, null).hubHosts(List.of("127.0.10.9"))
                .databasePoolSize(4).quickAnswerMillis(0).workerPoolSize(8)
                .hubClientMode(ServerConfig.HubClientMode.REST).build();
        server = new MusterServer(config);
        info = server.start();
        trust = TrustContexts.trusting(Path.of(info.caCertificate()));
        assertThat(ServerConfig.DEFAULT_QUICK_ANSWER_MILLIS).isPositive();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> service(String method, String path, String body) throws Exception {
        ConnectionString cs = ConnectionString.parse(info.serviceConnectionString());
        String token = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 600);
        return HttpClient.newBuilder().sslContext(trust).build().send(HttpRequest.newBuilder(
                        URI.create("https://" + info.globalEndpoint() + path + "?api-version=2021-10-01"))
                .header("Authorization", token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void deviceIsToldToPollAndTheSdkFollowsThrough() throws Exception {
        assertThat(info.globalEndpoint()).isEqualTo("localhost:18443");
        HttpResponse<String> created = service("PUT", "/enrollments/poller-1", "{\"attestation\":{\"type\":\"symmetricKey\"},"
                + "\"initialTwin\":{\"properties\":{\"desired\":{\"x\":1}}}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String key = Json.tree(created.body()).path("attestation").path("symmetricKey").path("primaryKey").asText();

        // Raw protocol: 202 + Retry-After + operationId, then the poll turns into 200 assigned.
        String token = RawDevice.javaStyleToken(info.idScope(), "poller-1", key, RawDevice.inAnHour());
        HttpClient http = HttpClient.newBuilder().sslContext(trust).build();
        HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create("https://" + info.globalEndpoint() + "/"
                        + info.idScope() + "/registrations/poller-1/register?api-version=2019-03-31"))
                .header("Authorization", token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"registrationId\":\"poller-1\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("retry-after")).contains("2");
        JsonNode op = Json.tree(first.body());
        assertThat(op.path("status").asText()).isEqualTo("assigning");
        String operationId = op.path("operationId").asText();
        assertThat(operationId).matches("5\\.[0-9a-f]{16}\\.[0-9a-f-]{36}");
        JsonNode result = null;
        for (int i = 0; i < 50 && result == null; i++) {
            HttpResponse<String> poll = http.send(HttpRequest.newBuilder(URI.create("https://" + info.globalEndpoint() + "/"
                    + info.idScope() + "/registrations/poller-1/operations/" + operationId + "?api-version=2019-03-31"))
                    .header("Authorization", token).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (poll.statusCode() == 200) {
                result = Json.tree(poll.body());
            } else {
                assertThat(poll.statusCode()).isEqualTo(202);
                Thread.sleep(100);
            }
        }
        assertThat(result).isNotNull();
        assertThat(result.path("status").asText()).isEqualTo("assigned");
        assertThat(result.path("operationId").asText()).isEqualTo(operationId);
        assertThat(result.path("registrationState").path("assignedHub").asText()).isEqualTo("127.0.10.9");

        // The Azure Java SDK through the same slow path (it waits out Retry-After, then polls).
        ProvisioningDeviceClient client = ProvisioningDeviceClient.create(info.globalEndpoint(), info.idScope(),
                ProvisioningDeviceClientTransportProtocol.HTTPS, new Devices.TrustingSymmetricKeyProvider(key, "poller-1", trust));
        CompletableFuture<Devices.Outcome> done = new CompletableFuture<>();
        client.registerDevice((r, e, ctx) -> done.complete(new Devices.Outcome(r, e)), null);
        Devices.Outcome outcome = done.get(60, TimeUnit.SECONDS);
        client.close();
        assertThat(outcome.error()).isNull();
        assertThat(outcome.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(outcome.result().getIothubUri()).isEqualTo("127.0.10.9");
    }

    @Test
    void overAmqpTheRegisterAnswerIs202WithRetryAfterAndThePollTurnsAssigned() throws Exception {
        assertThat(info.ports().amqp()).isEqualTo(15671);
        HttpResponse<String> created = service("PUT", "/enrollments/poller-amqp", "{\"attestation\":{\"type\":\"symmetricKey\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String key = Json.tree(created.body()).path("attestation").path("symmetricKey").path("primaryKey").asText();
        String address = "/" + info.idScope() + "/registrations/poller-amqp";
        try (RawAmqp.Device d = RawAmqp.connect(15671, info.caCertificate(), "PLAIN", info.idScope() + "/registrations/poller-amqp",
                RawDevice.javaStyleToken(info.idScope(), "poller-amqp", key, RawDevice.inAnHour()))) {
            d.receiver(address);
            var requests = d.sender(address);
            d.send(requests, RawAmqp.request("iotdps-register", java.util.Map.of(), "{\"registrationId\":\"poller-amqp\"}"));
            var first = d.reply();
            assertThat(RawAmqp.property(first, "status-code")).isEqualTo(202);
            assertThat(RawAmqp.property(first, "retry-after")).isEqualTo("2");
            assertThat(RawAmqp.json(first).path("status").asText()).isEqualTo("assigning");
            String operationId = RawAmqp.json(first).path("operationId").asText();
            JsonNode result = null;
            for (int i = 0; i < 50 && result == null; i++) {
                d.send(requests, RawAmqp.request("iotdps-get-operationstatus",
                        java.util.Map.of("iotdps-operation-id", operationId), null));
                var poll = d.reply();
                if (RawAmqp.property(poll, "status-code").equals(200)) {
                    result = RawAmqp.json(poll);
                } else {
                    assertThat(RawAmqp.property(poll, "status-code")).isEqualTo(202);
                    assertThat(RawAmqp.property(poll, "retry-after")).isEqualTo("2");
                    Thread.sleep(100);
                }
            }
            assertThat(result).isNotNull();
            assertThat(result.path("status").asText()).isEqualTo("assigned");
            assertThat(result.path("registrationState").path("assignedHub").asText()).isEqualTo("127.0.10.9");
        }
    }
}
