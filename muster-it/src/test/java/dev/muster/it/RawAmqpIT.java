package dev.muster.it;

import static dev.muster.it.RawAmqp.json;
import static dev.muster.it.RawAmqp.property;
import static dev.muster.it.RawAmqp.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.StartupException;
import dev.muster.server.amqp.DeviceSaslAuthenticator;
import dev.muster.server.device.DpsAmqpEndpoint;
import io.vertx.proton.ProtonSender;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DPS over AMQP spoken by a plain AMQP 1.0 client (vertx-proton), the way the C and Node SDKs speak it. */
class RawAmqpIT {
    private static String scope;
    private static String id;
    private static String key;

    @BeforeAll
    static void enroll() throws Exception {
        scope = MusterUnderTest.info().idScope();
        id = "rawamqp-" + UUID.randomUUID().toString().substring(0, 6);
        key = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null))).getAttestation()).getPrimaryKey();
    }

    private static RawAmqp.Device connect(String mechanism, String user, String password) throws Exception {
        return RawAmqp.connect(MusterUnderTest.info().ports().amqp(), MusterUnderTest.info().caCertificate(), mechanism,
                user, password);
    }

    private static String user(String registrationId) {
        return scope + "/registrations/" + registrationId;
    }

    private static String goodToken() {
        return RawDevice.javaStyleToken(scope, id, key, RawDevice.inAnHour());
    }

    @Test
    void registersAndPollsWithAnswersInRequestOrder() throws Exception {
        try (RawAmqp.Device d = connect("PLAIN", user(id), goodToken())) {
            d.receiver("amqps://localhost/" + scope + "/registrations/" + id);   // C style
            ProtonSender requests = d.sender(scope + "/registrations/" + id);    // Node style, no leading slash
            Message register = request("iotdps-register", Map.of(), "{\"registrationId\":\"" + id + "\",\"payload\":{\"a\":1}}");
            register.setMessageId("req-1");
            d.send(requests, register);
            // Sent right behind the slow register; its answer must still come second.
            d.send(requests, request("iotdps-no-such-operation", Map.of(), null));

            Message first = d.reply();
            assertThat(property(first, "status-code")).isEqualTo(200);
            assertThat(first.getCorrelationId()).isEqualTo("req-1");
            assertThat(json(first).path("status").asText()).isEqualTo("assigned");
            assertThat(json(first).path("registrationState").path("deviceId").asText()).isEqualTo(id);
            Message second = d.reply();
            assertThat(property(second, "status-code")).isEqualTo(400);
            assertThat(second.getCorrelationId()).isNull();
            assertThat(json(second).path("errorCode").asInt()).isEqualTo(400004);
            assertThat(json(second).path("message").asText()).contains("iotdps-no-such-operation");

            String operationId = json(first).path("operationId").asText();
            d.send(requests, request("iotdps-get-operationstatus", Map.of("iotdps-operation-id", operationId), null));
            Message poll = d.reply();
            assertThat(property(poll, "status-code")).isEqualTo(200);
            assertThat(json(poll).path("operationId").asText()).isEqualTo(operationId);
            assertThat(json(poll).path("registrationState").path("assignedHub").asText()).isEqualTo(MusterUnderTest.hub());
        }
    }

    @Test
    void badTokenGets401WithAzuresErrorBody() throws Exception {
        String wrong = RawDevice.javaStyleToken(scope, id, Base64.getEncoder().encodeToString(new byte[32]),
                RawDevice.inAnHour());
        try (RawAmqp.Device d = connect("PLAIN", "/" + user(id), wrong)) {
            String address = "/" + user(id);
            d.receiver(address);
            ProtonSender requests = d.sender(address);
            d.send(requests, request("iotdps-register", Map.of(), "{\"registrationId\":\"" + id + "\"}"));
            Message r = d.reply();
            assertThat(property(r, "status-code")).isEqualTo(401);
            JsonNode body = json(r);
            assertThat(body.path("errorCode").asInt()).isEqualTo(401002);
            assertThat(body.path("trackingId").asText()).isNotEmpty();
            assertThat(body.path("timestampUtc").asText()).endsWith("Z");
            assertThat(body.has("status")).as("no status: the Java SDK must read it as an error").isFalse();

            d.send(requests, request("iotdps-get-operationstatus", Map.of("iotdps-operation-id", "1.2.3"), null));
            assertThat(property(d.reply(), "status-code")).isEqualTo(401);
        }
    }

    @Test
    void unknownOrMissingOperationTypeAndOversizeBodiesGetErrorAnswers() throws Exception {
        try (RawAmqp.Device d = connect("PLAIN", user(id), goodToken())) {
            String address = "/" + user(id);
            d.receiver(address);
            ProtonSender requests = d.sender(address);
            d.send(requests, request("iotdps-bogus", Map.of(), "{}"));
            Message unknown = d.reply();
            assertThat(property(unknown, "status-code")).isEqualTo(400);
            assertThat(json(unknown).path("errorCode").asInt()).isEqualTo(400004);

            d.send(requests, request(null, Map.of(), "{}"));
            assertThat(property(d.reply(), "status-code")).isEqualTo(400);

            d.send(requests, request("iotdps-get-operationstatus", Map.of(), null));
            assertThat(json(d.reply()).path("message").asText()).contains("iotdps-operation-id");

            d.send(requests, request("iotdps-register", Map.of(), "{\"payload\":\"" + "x".repeat(100 * 1024) + "\"}"));
            Message big = d.reply();
            assertThat(property(big, "status-code")).isEqualTo(413);
            assertThat(json(big).path("errorCode").asInt()).isEqualTo(413001);

            d.send(requests, request("iotdps-register", Map.of(), "not json"));
            assertThat(property(d.reply(), "status-code")).isEqualTo(400);

            d.send(requests, request("iotdps-register", Map.of(), "{\"tpm\":{\"endorsementKey\":\"AAA=\"}}"));
            assertThat(json(d.reply()).path("message").asText()).contains("TPM");
        }
    }

    @Test
    void aLinkToAnotherDevicesAddressIsRefused() throws Exception {
        try (RawAmqp.Device d = connect("PLAIN", user(id), goodToken())) {
            assertThatThrownBy(() -> d.sender("/" + user("someone-else")))
                    .hasMessageContaining("amqp:unauthorized-access");
            assertThatThrownBy(() -> d.receiver("/" + user("someone-else")))
                    .hasMessageContaining("amqp:unauthorized-access");
            assertThatThrownBy(() -> d.sender("/" + scope + "/devices/" + id))
                    .hasMessageContaining("amqp:not-found");
            // The connection stays usable for the device's own address.
            d.receiver("/" + user(id));
            d.send(d.sender("/" + user(id)), request("iotdps-register", Map.of(), null));
            assertThat(property(d.reply(), "status-code")).isEqualTo(200);
        }
    }

    @Test
    void anonymousSaslNamesTheDeviceByLinkButCarriesNoCredentials() throws Exception {
        try (RawAmqp.Device d = connect("ANONYMOUS", null, null)) {
            String address = "/" + user(id);
            d.receiver(address);
            ProtonSender requests = d.sender(address);
            d.send(requests, request("iotdps-register", Map.of(), null));
            assertThat(property(d.reply(), "status-code")).isEqualTo(401);
            // The first link fixed the device: another registration is refused on this connection.
            assertThatThrownBy(() -> d.sender("/" + user("someone-else")))
                    .hasMessageContaining("amqp:unauthorized-access");
        }
    }

    @Test
    void aMalformedPlainUserNameFailsSasl() {
        assertThatThrownBy(() -> connect("PLAIN", "not-a-registration", goodToken()).close())
                .hasMessageContaining("Failed to authenticate");
    }

    @Test
    void aClientThatNeverFinishesSaslIsDisconnected() throws Exception {
        // A private listener with a short SASL timeout (the shared server uses the 30 s default).
        ProtonServer server = ProtonServer.create(RawAmqp.vertx(), new ProtonServerOptions())
                .saslAuthenticatorFactory(DeviceSaslAuthenticator.factory(RawAmqp.vertx(),
                        List.of(dev.muster.server.amqp.PlainMechanism.FACTORY), 300))
                .connectHandler(c -> { });
        dev.muster.server.amqp.AmqpFrontDoor.listen(server, "127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0});   // SASL header, then silence
            out.flush();
            InputStream in = s.getInputStream();
            long started = System.nanoTime();
            int total = 0;
            try {
                while (in.read() >= 0) {
                    total++;
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the connection open", e);
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertThat(total).as("SASL header and mechanisms").isGreaterThan(8);
            assertThat(ms).isLessThan(4000);
        } finally {
            server.close();
        }
    }

    @Test
    void aClientWithoutSaslIsServedLikeAnonymous() throws Exception {
        // The C SDK opens X.509 connections with the AMQP header right after TLS, no SASL layer: drive proton-j's bare
        // engine over a TLS socket to do the same.
        Connection connection = Proton.connection();
        Transport transport = Proton.transport();
        transport.bind(connection);
        connection.setContainer("no-sasl-client");
        connection.setHostname("localhost");
        connection.open();
        Receiver answers = RawAmqp.dpsLinks(connection, "/" + user(id), "sender_link", "recv_link",
                "{\"registrationId\":\"" + id + "\"}");

        Message answer = RawAmqp.pump(transport, 10, () -> RawAmqp.next(answers));
        assertThat(answer).as("an answer without SASL").isNotNull();
        assertThat(property(answer, "status-code")).isEqualTo(401);
        assertThat(json(answer).path("errorCode").asInt()).isEqualTo(401002);
    }

    @Test
    void aBusyAmqpPortStopsStartupNamingTheOption() throws Exception {
        int busy = MusterUnderTest.info().ports().amqp();
        Path dir = Files.createTempDirectory("muster-amqp-busy-");
        ServerConfig config = ServerConfig.builder(dir).metrics("127.0.0.1", 0).ports(18444, 18884, busy).crl(0, null).hubHosts(List.of("127.0.10.8"))
                .databasePoolSize(2).workerPoolSize(4).build();
        assertThatThrownBy(() -> new MusterServer(config).start())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("AMQP on 127.0.0.1:" + busy)
                .hasMessageContaining("--amqp-port");
    }
}
