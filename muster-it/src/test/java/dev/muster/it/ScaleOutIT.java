package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import dev.muster.server.tls.TrustContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Muster nodes, each a JVM of its own on its own loopback address, sharing one PostgreSQL database (created for
 * the class and dropped after), driven with the Azure Java SDKs. Node A ({@value #NODE_A}) made the database's
 * instance and built-in hubs and listens on the hubs' addresses; node B ({@value #NODE_B}, {@code --hubs 0}) serves
 * the same instance and hubs from the database. Service and hub REST calls reach either node with the instance's or
 * hub's host name in {@code Host}, as through a load balancer. The addresses stay clear of the in-process Muster the
 * other tests share (127.0.0.1, 127.0.10.x).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {
    static final String NODE_A = "127.0.0.3";
    static final String NODE_B = "127.0.0.4";
    static final List<String> HUBS = List.of("127.0.11.1", "127.0.11.2");
    private ScratchPostgres database;
    private final String groupKey = Ids.symmetricKey();
    /** Registrations the SDK reported assigned: each is one billed operation. */
    private final AtomicInteger assigned = new AtomicInteger();
    private Instant started;
    private NodeProcess a;
    private NodeProcess b;
    private SSLContext trust;
    private NodeHttp http;
    private String idScope;
    private ConnectionString service;
    private Map<String, ConnectionString> hubs;

    @BeforeAll
    void startTwoNodes() throws Exception {
        started = Instant.now().minusSeconds(60);
        database = ScratchPostgres.create();
        String url = database.serveUrl();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Map<String, String> env = Map.of("MUSTER_SECRET_KEY", Base64.getEncoder().encodeToString(secret));
        Path root = Files.createTempDirectory("muster-scale-out-");
        a = NodeProcess.start(root.resolve("node-a"), env, "--database", url, "--bind", NODE_A, "--host-name", NODE_A,
                "--hub-host", String.join(",", HUBS));
        // One CA for the deployment: node B issues its own server certificate from node A's CA.
        Path tlsB = Files.createDirectories(root.resolve("node-b/tls"));
        for (String f : List.of("ca.pem", "ca-key.pem")) {
            Files.copy(a.dataDir().resolve("tls").resolve(f), tlsB.resolve(f));
        }
        b = NodeProcess.start(root.resolve("node-b"), env, "--database", url, "--bind", NODE_B, "--host-name", NODE_B,
                "--hubs", "0");
        JsonNode info = a.connectionInfo();
        trust = TrustContexts.trusting(Path.of(info.path("caCertificate").asText()));
        http = new NodeHttp(trust);
        idScope = info.path("idScope").asText();
        service = ConnectionString.parse(info.path("serviceConnectionString").asText());
        hubs = new java.util.HashMap<>();
        info.path("hubs").forEach(h -> hubs.put(h.path("hostName").asText(),
                ConnectionString.parse(h.path("connectionString").asText())));
        assertThat(b.connectionInfo().path("idScope").asText()).as("node B serves the same instance").isEqualTo(idScope);
        assertThat(hubs.keySet()).containsExactlyInAnyOrderElementsOf(HUBS);
        serviceCall(NODE_A, "PUT", "/enrollmentGroups/fleet", null, "{\"enrollmentGroupId\":\"fleet\",\"attestation\":"
                + "{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + groupKey + "\",\"secondaryKey\":\""
                + Ids.symmetricKey() + "\"}}}", 200);
    }

    @AfterAll
    void stopNodesAndDropDatabase() throws Exception {
        for (NodeProcess n : new NodeProcess[] {a, b}) {
            if (n != null) {
                n.close();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    // ---- the deployment works as one service ------------------------------------------------------------------

    @Test
    @Order(1)
    void devicesRegisterThroughEitherNodeIntoTheSharedHubs() throws Exception {
        for (int i = 0; i < 6; i++) {
            String node = i % 2 == 0 ? NODE_A : NODE_B;
            String id = "either-" + i;
            Registered r = register(node, id, Devices.derivedKey(groupKey, id));

            assertThat(r.hub()).as("device %s through %s", id, node).isIn(HUBS);
            assertThat(hubDeviceStatus(NODE_B, r.hub(), id)).isEqualTo(200);
            assertThat(hubDeviceStatus(NODE_A, r.hub(), id)).isEqualTo(200);
        }
        JsonNode record = Json.tree(serviceCall(NODE_B, "GET", "/registrations/either-0", null, null, 200).body());
        assertThat(record.path("status").asText()).isEqualTo("assigned");
    }

    @Test
    @Order(2)
    void theSameRegistrationIdRacedThroughBothNodesEndsWithOneDeviceOneRecordOneAssignment() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                String id = "racer-" + round;
                String key = Devices.derivedKey(groupKey, id);
                CountDownLatch go = new CountDownLatch(1);
                Future<Registered> viaA = pool.submit(() -> {
                    go.await();
                    return register(NODE_A, id, key);
                });
                Future<Registered> viaB = pool.submit(() -> {
                    go.await();
                    return register(NODE_B, id, key);
                });
                go.countDown();
                Registered first = viaA.get(60, TimeUnit.SECONDS);
                Registered second = viaB.get(60, TimeUnit.SECONDS);

                assertThat(second.hub()).as("one assignment").isEqualTo(first.hub());
                assertThat(second.deviceId()).isEqualTo(first.deviceId());
                JsonNode record = Json.tree(serviceCall(NODE_A, "GET", "/registrations/" + id, null, null, 200).body());
                assertThat(record.path("assignedHub").asText()).isEqualTo(first.hub());
                List<String> holding = new ArrayList<>();
                for (String hub : HUBS) {
                    if (hubDeviceStatus(NODE_B, hub, id) == 200) {
                        holding.add(hub);
                    }
                }
                assertThat(holding).as("hubs holding device %s", id).containsExactly(first.hub());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(3)
    void etagUpdatesOnBothNodesAtOnceLetExactlyOneWin() throws Exception {
        String body = "{\"registrationId\":\"contested\",\"attestation\":{\"type\":\"symmetricKey\"}}";
        serviceCall(NODE_A, "PUT", "/enrollments/contested", null, body, 200);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                JsonNode current = Json.tree(serviceCall(NODE_B, "GET", "/enrollments/contested", null, null, 200).body());
                String etag = current.path("etag").asText();
                ((com.fasterxml.jackson.databind.node.ObjectNode) current).putObject("initialTwin").putObject("tags")
                        .put("round", round);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> answers = new ArrayList<>();
                for (String node : List.of(NODE_A, NODE_B)) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return serviceCall(node, "PUT", "/enrollments/contested", etag, Json.write(current), -1).status();
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : answers) {
                    statuses.add(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(200, 412);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(4)
    void anEnrollmentChangeOnOneNodeIsSeenByTheNextRegistrationOnTheOther() throws Exception {
        String key = Ids.symmetricKey();
        String body = "{\"registrationId\":\"seen-1\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":"
                + "{\"primaryKey\":\"" + key + "\",\"secondaryKey\":\"" + Ids.symmetricKey() + "\"}}%s}";
        serviceCall(NODE_B, "PUT", "/enrollments/seen-1", null, body.formatted(""), 200);
        assertThat(register(NODE_A, "seen-1", key).hub()).isIn(HUBS);

        String etag = Json.tree(serviceCall(NODE_A, "GET", "/enrollments/seen-1", null, null, 200).body())
                .path("etag").asText();
        serviceCall(NODE_A, "PUT", "/enrollments/seen-1", etag, body.formatted(",\"provisioningStatus\":\"disabled\""), 200);
        Devices.Outcome refused = sdkRegister(NODE_B, "seen-1", key);

        assertThat(refused.result() == null ? null : refused.result().getProvisioningDeviceClientStatus())
                .as("registration right after the enrollment was disabled on the other node")
                .isNotEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    }

    @Test
    @Order(5)
    void aDesiredPropertyChangeOnOneNodeReachesADeviceConnectedToTheOther() throws Exception {
        String id = "pushed-1";
        String key = Devices.derivedKey(groupKey, id);
        Registered r = register(NODE_B, id, key);
        // The hub's address is node A's: the device's MQTT connection is held by node A.
        DeviceClient device = new DeviceClient("HostName=" + r.hub() + ";DeviceId=" + id + ";SharedAccessKey=" + key,
                IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(trust).build());
        try {
            device.open(false);
            BlockingQueue<Twin> updates = new LinkedBlockingQueue<>();
            device.subscribeToDesiredProperties((t, ctx) -> updates.add(t), null);
            TwinReads.get(device);

            long t0 = System.nanoTime();
            NodeHttp.Response patched = http.send(NODE_B, r.hub(), "PATCH", "/twins/" + id + "?api-version=2021-04-12",
                    hubToken(r.hub()), Map.of(), "{\"properties\":{\"desired\":{\"interval\":17}}}");
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            Twin update = updates.poll(15, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(update).as("desired change made on node B pushed by node A").isNotNull();
            assertThat(((Number) update.getDesiredProperties().get("interval")).intValue()).isEqualTo(17);
            System.out.println("desired-property change crossed nodes in " + millis + " ms");
        } finally {
            device.close();
        }
    }

    @Test
    @Order(5)
    void aCloudToDeviceMessageQueuedThroughOneNodeReachesADeviceConnectedToTheOther() throws Exception {
        String key = Devices.derivedKey(groupKey, "c2d-across-1");
        Registered r = register(NODE_B, "c2d-across-1", key);
        String id = r.deviceId();
        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = C2dClients.queue();
        // The hub's address is node A's: node A holds the device's MQTT connection; the message enters at node B.
        DeviceClient device = C2dClients.receivingDevice(r.hub(), id, key, IotHubClientProtocol.MQTT, trust, received);
        try (HubAmqpSender service = HubAmqpSender.open(NODE_B, r.hub(), hubToken(r.hub()),
                a.dataDir().resolve("tls").resolve("ca.pem"))) {
            device.open(false);
            long t0 = System.nanoTime();
            assertThat(service.send(id, "across-1", "from node B"))
                    .isInstanceOf(org.apache.qpid.proton.amqp.messaging.Accepted.class);
            com.microsoft.azure.sdk.iot.device.Message got = received.poll(15, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(got).as("queued on node B, delivered by node A").isNotNull();
            assertThat(new String(got.getBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("from node B");
            assertThat(got.getMessageId()).isEqualTo("across-1");
            System.out.println("cloud-to-device message crossed nodes in " + millis + " ms");
        } finally {
            device.close();
        }
    }

    @Test
    @Order(5)
    void aDirectMethodSentToOneNodeReachesADeviceConnectedToTheOtherAndBothShowItConnected() throws Exception {
        String id = "method-1";
        String key = Devices.derivedKey(groupKey, id);
        Registered r = register(NODE_B, id, key);
        // The hub's address is node A's: node A holds the device's MQTT connection; the calls go to node B.
        DeviceClient device = new DeviceClient("HostName=" + r.hub() + ";DeviceId=" + id + ";SharedAccessKey=" + key,
                IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(trust).build());
        try {
            device.open(false);
            device.subscribeToMethods((name, payload, ctx) -> new com.microsoft.azure.sdk.iot.device.twin
                    .DirectMethodResponse(200, Map.of("answeredBy", id, "got", payload.getPayloadAsJsonString())), null);
            for (String node : List.of(NODE_A, NODE_B)) {
                NodeHttp.Response shown = http.send(node, r.hub(), "GET", "/devices/" + id + "?api-version=2021-04-12",
                        hubToken(r.hub()), Map.of(), null);
                assertThat(Json.tree(shown.body()).path("connectionState").asText()).as("seen on " + node)
                        .isEqualTo("Connected");
            }
            long t0 = System.nanoTime();
            NodeHttp.Response answered = http.send(NODE_B, r.hub(), "POST", "/twins/" + id
                            + "/methods?api-version=2021-04-12", hubToken(r.hub()), Map.of(),
                    "{\"methodName\":\"ping\",\"payload\":{\"n\":1},\"responseTimeoutInSeconds\":10}");
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(answered.status()).as(answered.body()).isEqualTo(200);
            JsonNode body = Json.tree(answered.body());
            assertThat(body.path("status").asInt()).isEqualTo(200);
            assertThat(body.path("payload").path("answeredBy").asText()).isEqualTo(id);
            assertThat(Json.tree(body.path("payload").path("got").asText())).isEqualTo(Json.tree("{\"n\":1}"));
            System.out.println("direct method through the other node answered in " + millis + " ms");

            NodeHttp.Response forged = http.send(NODE_B, r.hub(), "POST", "/twins/" + id
                            + "/methods?api-version=2021-04-12", null, Map.of("x-muster-node-call", "1:AAAA"),
                    "{\"methodName\":\"ping\"}");
            assertThat(forged.status()).as("a forged node call").isEqualTo(401);
        } finally {
            device.close();
        }
        String state = null;
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < until; ) {
            NodeHttp.Response after = http.send(NODE_B, r.hub(), "GET", "/devices/" + id + "?api-version=2021-04-12",
                    hubToken(r.hub()), Map.of(), null);
            state = Json.tree(after.body()).path("connectionState").asText();
            if (state.equals("Disconnected")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(state).isEqualTo("Disconnected");
    }

    @Test
    @Order(6)
    void operationsMeteredOnBothNodesAddUp() throws Exception {
        long billedRegistrations = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            // Each node writes its counts every second; either node reads the sum.
            JsonNode ops = Json.tree(serviceCall(NODE_B, "GET", "/usage?since=" + started, null, null, 200).body())
                    .path("operations");
            billedRegistrations = ops.path("registration").asLong() + ops.path("reRegistration").asLong();
            if (billedRegistrations == assigned.get()) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(billedRegistrations).isEqualTo(assigned.get());
    }

    @Test
    @Order(7)
    void killingOneNodeMidRunLeavesTheOtherServing() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch someDone = new CountDownLatch(3);
        try {
            Future<List<Registered>> run = pool.submit(() -> {
                List<Registered> out = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String id = "survivor-" + i;
                    out.add(register(NODE_B, id, Devices.derivedKey(groupKey, id)));
                    someDone.countDown();
                }
                return out;
            });
            assertThat(someDone.await(60, TimeUnit.SECONDS)).isTrue();
            a.kill();
            assertThat(a.isAlive()).isFalse();

            List<Registered> all = run.get(120, TimeUnit.SECONDS);

            assertThat(all).hasSize(10).allSatisfy(r -> assertThat(r.hub()).isIn(HUBS));
            for (Registered r : all) {
                assertThat(hubDeviceStatus(NODE_B, r.hub(), r.deviceId())).isEqualTo(200);
            }
            assertThat(serviceCall(NODE_B, "GET", "/registrations/survivor-9", null, null, 200).status()).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    record Registered(String hub, String deviceId) {}

    /** Registers through {@code node} with the SDK over HTTPS and requires {@code assigned}. */
    private Registered register(String node, String registrationId, String key) throws Exception {
        Devices.Outcome outcome = sdkRegister(node, registrationId, key);
        assertThat(outcome.error()).as("%s through %s", registrationId, node).isNull();
        assertThat(outcome.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assigned.incrementAndGet();
        return new Registered(outcome.result().getIothubUri(), outcome.result().getDeviceId());
    }

    private Devices.Outcome sdkRegister(String node, String registrationId, String key) throws Exception {
        return Devices.registerOnce(ProvisioningDeviceClient.create(node, idScope,
                ProvisioningDeviceClientTransportProtocol.HTTPS,
                new Devices.TrustingSymmetricKeyProvider(key, registrationId, trust)), null);
    }

    /** A service API call sent to {@code node} for the instance's host name; {@code expected} -1 accepts any status. */
    private NodeHttp.Response serviceCall(String node, String method, String path, String ifMatch, String body,
                                          int expected) throws Exception {
        String token = SasSigner.sign(service.hostName(), service.key(), service.keyName(),
                Instant.now().getEpochSecond() + 600);
        NodeHttp.Response r = http.send(node, service.hostName(), method,
                path + (path.contains("?") ? "&" : "?") + "api-version=2021-10-01", token,
                ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch), body);
        if (expected > 0) {
            assertThat(r.status()).as("%s %s on %s: %s", method, path, node, r.body()).isEqualTo(expected);
        }
        return r;
    }

    private String hubToken(String hub) {
        ConnectionString cs = hubs.get(hub);
        return SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 600);
    }

    private int hubDeviceStatus(String node, String hub, String deviceId) throws Exception {
        return http.send(node, hub, "GET", "/devices/" + deviceId + "?api-version=2021-04-12", hubToken(hub), Map.of(),
                null).status();
    }

    // ---- revocation reaches every node ----------------------------------------------------------------------------

    /**
     * A device registered with a CSR holds an X.509 MQTT session on node A (its hub's address); its certificate is
     * revoked through node B: node A learns it from the shared database and closes the session.
     */
    @Test
    @Order(5)
    void aCertificateRevokedThroughOneNodeClosesTheSessionTheOtherHolds() throws Exception {
        String id = "revoked-across-1";
        String key = Devices.derivedKey(groupKey, id);
        java.security.KeyPair keys = dev.muster.core.x509.CertificateMaker.keyPair(
                dev.muster.core.x509.CertificateMaker.KeyType.EC_P256);
        byte[] csr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=" + id), keys.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                        .build(keys.getPrivate())).getEncoded();
        NodeHttp.Response registered = http.send(NODE_B, NODE_B, "PUT", "/" + idScope + "/registrations/" + id
                        + "/register?api-version=2025-07-01-preview",
                RawDevice.javaStyleToken(idScope, id, key, RawDevice.inAnHour()), Map.of(),
                Json.write(Json.object().put("registrationId", id).put("csr",
                        Base64.getEncoder().encodeToString(csr))));
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        JsonNode state = Json.tree(registered.body()).path("registrationState");
        assigned.incrementAndGet();
        java.security.cert.X509Certificate leaf = (java.security.cert.X509Certificate)
                java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                        new java.io.ByteArrayInputStream(Base64.getDecoder().decode(
                                state.path("issuedCertificateChain").get(0).asText())));

        DeviceClient device = new DeviceClient("HostName=" + state.path("assignedHub").asText() + ";DeviceId="
                + state.path("deviceId").asText() + ";x509=true", IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(withClientCertificate(leaf, keys.getPrivate())).build());
        BlockingQueue<com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus> statuses =
                new LinkedBlockingQueue<>();
        device.setConnectionStatusChangeCallback(ctx -> statuses.add(ctx.getNewStatus()), null);
        try {
            device.open(false);
            statuses.clear();
            long t0 = System.nanoTime();
            serviceCall(NODE_B, "POST", "/registrations/" + id + "/certificates/revoke", null, "", 200);
            var status = statuses.poll(10, TimeUnit.SECONDS);
            assertThat(status).as("node A closed the session of the certificate revoked on node B").isNotNull()
                    .isNotEqualTo(com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus.CONNECTED);
            System.out.println("a revocation on node B closed node A's session in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } finally {
            device.close();
        }
    }

    /** Presents the device's leaf and trusts the deployment's CA. */
    private SSLContext withClientCertificate(java.security.cert.X509Certificate leaf, java.security.PrivateKey key)
            throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("device", key, new char[0], new java.security.cert.Certificate[] {leaf});
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        java.security.KeyStore anchors = java.security.KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("muster", dev.muster.server.tls.LocalPki.Pem.readCertificates(
                Path.of(a.connectionInfo().path("caCertificate").asText())).get(0));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        SSLContext ctx = SSLContext.getInstance("TLSv1.2");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
