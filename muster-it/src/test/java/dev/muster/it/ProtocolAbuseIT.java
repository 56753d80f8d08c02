package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import dev.muster.core.Json;
import dev.muster.core.sas.SasSigner;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/** Hostile or broken clients get the protocol's own error or a closed connection, and never hurt other clients. */
class ProtocolAbuseIT {
    /** The SAS key of the hub devices that hostile clients impersonate. */
    static final String HUB_DEVICE_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    /** Enrolls a symmetric-key device and returns its primary key. */
    static String enrollAndKey(String id) throws Exception {
        return ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null))).getAttestation()).getPrimaryKey();
    }

    /** Another test's hostile clients must not stop an ordinary device: it registers over HTTPS within 10 s. */
    static void assertAFairDeviceStillRegisters() throws Exception {
        String id = "fair-" + UUID.randomUUID().toString().substring(0, 6);
        String key = enrollAndKey(id);
        String scope = MusterUnderTest.info().idScope();
        long start = System.nanoTime();
        HttpResponse<String> r = new RawDevice().register(scope, id, RawDevice.javaStyleToken(scope, id, key,
                RawDevice.inAnHour()), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    /** Reads until the server closes; true if it closed (EOF or reset) within the timeout. */
    private static boolean closedByServer(Socket s, int millis) throws Exception {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // drain whatever the server answers before closing
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException reset) {
            return true;
        }
    }

    @Test
    void plainTextOnTheTlsPortsIsDropped() throws Exception {
        for (int port : new int[] {443, 8883}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n garbage \u0000\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertThat(closedByServer(s, 15_000)).as("port " + port).isTrue();
            }
        }
        assertAFairDeviceStillRegisters();
    }

    /** {@code muster_protocol_errors_total{listener}} on the operators' listener. */
    private static double protocolErrors(String listener) throws Exception {
        for (String line : MusterUnderTest.metrics().split("\n")) {
            if (line.startsWith("muster_protocol_errors_total{listener=\"" + listener + "\"}")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Garbage on 8883 before CONNECT is counted and each connection closed (it used to be an ERROR line each). */
    @Test
    void malformedMqttBeforeConnectIsCountedAndClosed() throws Exception {
        double before = protocolErrors("mqtt");
        for (int i = 0; i < 30; i++) {
            try (SSLSocket s = (SSLSocket) MusterUnderTest.trust().getSocketFactory()
                    .createSocket("localhost", MusterUnderTest.info().ports().mqtt())) {
                s.startHandshake();
                // A CONNECT whose remaining length runs past four bytes: no MQTT decoder can accept it.
                s.getOutputStream().write(new byte[] {0x10, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
                s.getOutputStream().flush();
                assertThat(closedByServer(s, 10_000)).isTrue();
            }
        }
        assertThat(protocolErrors("mqtt") - before).isGreaterThanOrEqualTo(30);
        assertAFairDeviceStillRegisters();
    }

    /** An AMQP connection reset by its client is counted (Vert.x logged each at ERROR: Proton sets no handler). */
    @Test
    void aResetAmqpConnectionIsCounted() throws Exception {
        double before = protocolErrors("amqp");
        for (int i = 0; i < 5; i++) {
            Socket plain = new Socket("127.0.0.1", MusterUnderTest.info().ports().amqp());
            SSLSocket s = (SSLSocket) MusterUnderTest.trust().getSocketFactory().createSocket(plain, "localhost",
                    MusterUnderTest.info().ports().amqp(), false);
            s.startHandshake();
            Thread.sleep(200); // the server's session tickets arrive, unread
            plain.setSoLinger(true, 0); // close without TLS close_notify or FIN: a reset
            plain.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (protocolErrors("amqp") - before < 5 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(protocolErrors("amqp") - before).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aFloodOfHalfOpenConnectionsDoesNotStopOtherDevices() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                for (int port : new int[] {443, 8883}) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    idle.add(s);  // never says anything: no ClientHello, no CONNECT
                }
            }
            assertAFairDeviceStillRegisters();
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    /**
     * A WebSocket that sends a malformed frame right after the upgrade and goes away must not leave the bridge's
     * inner connection open (it used to stay ~30 s, with an unhandled "WebSocket is closed" each time).
     */
    @Test
    void aBadWebSocketFrameAfterTheUpgradeLeavesNoConnectionBehind() throws Exception {
        long before = openFileDescriptors();
        for (int i = 0; i < 40; i++) {
            try (SSLSocket s = (SSLSocket) MusterUnderTest.trust().getSocketFactory().createSocket("localhost", 443)) {
                s.startHandshake();
                s.getOutputStream().write(("GET /$iothub/websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.setSoTimeout(10_000);
                assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).contains("101");
                byte[] bad = new byte[2 + 8 + 16];
                bad[0] = (byte) 0x82;
                bad[1] = (byte) 0xff;
                s.getOutputStream().write(bad);
                s.getOutputStream().flush();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (openFileDescriptors() > before + 20 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(openFileDescriptors()).as("file descriptors of the server process").isLessThanOrEqualTo(before + 20);
        assertAFairDeviceStillRegisters();
    }

    /** The server under test runs in this JVM, so its sockets are this process's descriptors. */
    private static long openFileDescriptors() throws Exception {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void malformedHttpAfterTlsGets400AndAnUnknownMethodIsRefused() throws Exception {
        try (SSLSocket s = (SSLSocket) MusterUnderTest.trust().getSocketFactory().createSocket("localhost", 443)) {
            s.startHandshake();
            s.getOutputStream().write("THIS IS NOT HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            byte[] head = s.getInputStream().readNBytes(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).startsWith("HTTP/1.").contains("400");
        }
        HttpResponse<String> r = ServiceApiIT.raw("PATCH", "/enrollments/x", "{}");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(Json.tree(r.body()).path("errorCode").asInt()).isEqualTo(405000);
        assertAFairDeviceStillRegisters();
    }

    @Test
    void anOversizedDpsMqttPayloadGets413AndTheConnectionStaysUsable() throws Exception {
        String id = "abuse-mqtt-" + UUID.randomUUID().toString().substring(0, 6);
        String key = enrollAndKey(id);
        String scope = MusterUnderTest.info().idScope();
        MqttClient c = new MqttClient("ssl://localhost:8883", id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName(scope + "/registrations/" + id + "/api-version=2019-03-31");
        o.setPassword(RawDevice.javaStyleToken(scope, id, key, RawDevice.inAnHour()).toCharArray());
        o.setSocketFactory(MusterUnderTest.trust().getSocketFactory());
        c.connect(o);
        BlockingQueue<String> topics = new LinkedBlockingQueue<>();
        BlockingQueue<JsonNode> bodies = new LinkedBlockingQueue<>();
        try {
            c.subscribe("$dps/registrations/res/#", 1, (t, m) -> {
                topics.add(t);
                bodies.add(Json.tree(new String(m.getPayload(), StandardCharsets.UTF_8)));
            });
            byte[] big = ("{\"registrationId\":\"" + id + "\",\"payload\":\"" + "x".repeat(100 * 1024) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            c.publish("$dps/registrations/PUT/iotdps-register/?$rid=big", new MqttMessage(big));
            assertThat(topics.poll(10, TimeUnit.SECONDS)).isEqualTo("$dps/registrations/res/413/?$rid=big");
            assertThat(bodies.poll(10, TimeUnit.SECONDS).path("errorCode").asInt()).isEqualTo(413001);
            c.publish("$dps/registrations/PUT/iotdps-register/?$rid=ok", new MqttMessage("{}".getBytes()));
            assertThat(topics.poll(10, TimeUnit.SECONDS)).isEqualTo("$dps/registrations/res/200/?$rid=ok");
        } finally {
            c.disconnect();
            c.close();
        }
    }

    /**
     * A hub device that sends a packet before its CONNACK, or leaves while its CONNECT is being checked, leaves
     * nothing unhandled in the server's log; neither used to be handled (Vert.x threw on the early packet and on answering a closed
     * endpoint, an ERROR line each time).
     */
    @Test
    void aHubDeviceThatDoesNotWaitForItsConnackLeavesNoUnhandledError() throws Exception {
        String hub = MusterUnderTest.hub();
        String id = "abuse-hub-" + UUID.randomUUID().toString().substring(0, 6);
        new HubRest(MusterUnderTest.info().hubs().get(0).connectionString()).createSasDevice(id, HUB_DEVICE_KEY);
        byte[] connect = MqttPackets.connect(id, hub + "/" + id + "/?api-version=2021-04-12",
                SasSigner.sign(hub + "/devices/" + id, HUB_DEVICE_KEY, null, RawDevice.inAnHour()));
        byte[] pingAtOnce = Fuzz.splice(connect, connect.length, connect.length, MqttPackets.packet(0xc0, new byte[0]));
        try (ServerLog log = new ServerLog()) {
            for (int i = 0; i < 10; i++) {
                try (Wire early = Wire.open(hub, 8883)) {
                    early.send(pingAtOnce);
                    early.read(2000, received -> received.length > 0);
                }
                try (Wire leaving = Wire.open(hub, 8883)) {
                    leaving.send(connect);
                }
            }
            Thread.sleep(1000);  // the last CONNECTs' token checks finish after their devices left
            assertThat(log.faults()).isEmpty();
        }
        assertAFairDeviceStillRegisters();
    }

    @Test
    void anMqtt5ConnectIsRefusedAsAzureSpeaksOnly311() throws Exception {
        try (SSLSocket s = (SSLSocket) MusterUnderTest.trust().getSocketFactory().createSocket("localhost", 8883)) {
            s.startHandshake();
            // CONNECT, protocol "MQTT" level 5, clean start, keep-alive 60, no properties, client id "x"
            byte[] connect = {0x10, 16, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 1, 'x', 0, 0};
            connect[1] = (byte) (connect.length - 2);
            s.getOutputStream().write(connect);
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            int type = s.getInputStream().read();
            assertThat(type == -1 || type == 0x20).as("CONNACK refusal or close").isTrue();
            if (type == 0x20) {
                assertThat(closedByServer(s, 10_000)).isTrue();
            }
        }
    }
}
