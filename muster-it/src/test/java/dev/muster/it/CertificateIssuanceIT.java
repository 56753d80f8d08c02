package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import dev.muster.core.Json;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import io.vertx.proton.ProtonSender;
import java.util.Map;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/**
 * Certificate issuance (DPS data-plane 2025-07-01-preview): a device registers over raw HTTPS with a CSR, gets its
 * chain, and the unchanged Java device SDK connects to the built-in hub with it (X.509, MQTT and AMQPS) and reads its
 * twin. No classic SDK sends a CSR yet, hence the raw register.
 */
class CertificateIssuanceIT {
    static final String PREVIEW = "2025-07-01-preview";

    record Enrolled(String registrationId, String key) {}

    static Enrolled enroll() throws Exception {
        String registrationId = "it-csr-" + UUID.randomUUID().toString().substring(0, 8);
        IndividualEnrollment created = ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(registrationId, new SymmetricKeyAttestation(null, null)));
        return new Enrolled(registrationId, ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey());
    }

    /** An individual symmetric-key enrollment naming a certificate policy, made over the service API. */
    static Enrolled enrollNaming(String registrationId, String policy) throws Exception {
        HttpResponse<String> enrolled = ServiceRest.call(MusterUnderTest.info().serviceConnectionString(), "PUT",
                "/enrollments/" + registrationId, Json.write(Json.object().put("registrationId", registrationId)
                        .put("credentialPolicyName", policy).set("attestation", Json.tree("{\"type\":\"symmetricKey\"}"))));
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
        assertThat(ServiceRest.json(enrolled).path("credentialPolicyName").asText()).isEqualTo(policy);
        return new Enrolled(registrationId,
                ServiceRest.json(enrolled).path("attestation").path("symmetricKey").path("primaryKey").asText());
    }

    /** A CSR made by openssl exactly as a device script would: new P-256 key, DER request, CN = registration ID. */
    static KeyAndCsr opensslCsr(String registrationId) throws Exception {
        Path dir = Files.createTempDirectory("csr");
        Process p = new ProcessBuilder("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-subj",
                "/CN=" + registrationId, "-outform", "DER", "-out", dir.resolve("csr.der").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new KeyAndCsr(Certificates.readPrivateKey(Files.readString(dir.resolve("key.pem")), "openssl key"),
                Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("csr.der"))));
    }

    static KeyAndCsr bouncyCastleCsr(String registrationId) throws Exception {
        KeyPair keys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P384);
        byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + registrationId), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA384withECDSA").build(keys.getPrivate())).getEncoded();
        return new KeyAndCsr(keys.getPrivate(), Base64.getEncoder().encodeToString(der));
    }

    record KeyAndCsr(PrivateKey key, String csr) {}

    private static SSLContext trustingMuster() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("muster", dev.muster.server.tls.LocalPki.Pem.readCertificates(
                Path.of(MusterUnderTest.info().caCertificate())).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.2");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static HttpResponse<String> register(Enrolled device, String csr, String apiVersion) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(trustingMuster()).connectTimeout(Duration.ofSeconds(5))
                .build();
        String idScope = MusterUnderTest.info().idScope();
        String body = Json.write(Json.object().put("registrationId", device.registrationId()).put("csr", csr));
        HttpRequest r = HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.info().globalEndpoint() + "/"
                        + idScope + "/registrations/" + device.registrationId() + "/register?api-version=" + apiVersion))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", RawDevice.javaStyleToken(idScope, device.registrationId(), device.key(),
                        RawDevice.inAnHour()))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static List<X509Certificate> chain(JsonNode answer) throws Exception {
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new java.util.ArrayList<>();
        for (JsonNode c : answer.path("registrationState").path("issuedCertificateChain")) {
            chain.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(
                    Base64.getDecoder().decode(c.asText()))));
        }
        return chain;
    }

    /** Connects with the issued leaf (the root is the hub's anchor, so the device sends the leaf alone). */
    static Twin twinOver(IotHubClientProtocol protocol, String hub, String deviceId, X509Certificate leaf,
                                 PrivateKey key) throws Exception {
        return twinOver(protocol, hub, deviceId, new X509Devices.Identity(leaf, key, List.of()));
    }

    /** Connects with the identity's leaf and the intermediates it carries (an uploaded intermediate CA's chain). */
    static Twin twinOver(IotHubClientProtocol protocol, String hub, String deviceId, X509Devices.Identity identity)
            throws Exception {
        DeviceClient client = new DeviceClient("HostName=" + hub + ";DeviceId=" + deviceId + ";x509=true", protocol,
                ClientOptions.builder().sslContext(X509Devices.sslContext(identity)).build());
        try {
            client.open(false);
            client.subscribeToDesiredProperties((t, ctx) -> { }, null);
            // TwinReads, not getTwin: the SDK's getTwin callback can be lost although the answer arrived.
            return TwinReads.get(client);
        } finally {
            client.close();
        }
    }

    @Test
    void aDeviceRegistersWithAnOpensslCsrAndConnectsToItsHubWithTheIssuedCertificate() throws Exception {
        Enrolled device = enroll();
        KeyAndCsr csr = opensslCsr(device.registrationId());

        HttpResponse<String> r = register(device, csr.csr(), PREVIEW);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Json.tree(r.body());
        assertThat(answer.path("status").asText()).isEqualTo("assigned");
        List<X509Certificate> chain = chain(answer);
        assertThat(chain).hasSize(2);
        assertThat(Certificates.commonName(chain.get(0))).isEqualTo(device.registrationId());
        assertThat(Certificates.isSelfSigned(chain.get(1))).as("the chain ends with the root").isTrue();
        String hub = answer.path("registrationState").path("assignedHub").asText();
        String deviceId = answer.path("registrationState").path("deviceId").asText();

        for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS)) {
            Twin twin = twinOver(protocol, hub, deviceId, chain.get(0), csr.key());
            assertThat(twin).as("twin over " + protocol).isNotNull();
        }
    }

    @Test
    void anEnrollmentNamingAnotherDeviceIdConnectsWithTheLeafThatNamesItsRegistration() throws Exception {
        String registrationId = "it-csr-" + UUID.randomUUID().toString().substring(0, 8);
        String chosenDeviceId = "press-" + UUID.randomUUID().toString().substring(0, 8);
        IndividualEnrollment enrollment = new IndividualEnrollment(registrationId,
                new SymmetricKeyAttestation(null, null));
        enrollment.setDeviceId(chosenDeviceId);
        IndividualEnrollment created = ServiceClients.dps().createOrUpdateIndividualEnrollment(enrollment);
        Enrolled device = new Enrolled(registrationId,
                ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey());
        KeyAndCsr csr = opensslCsr(registrationId);

        HttpResponse<String> r = register(device, csr.csr(), PREVIEW);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Json.tree(r.body());
        assertThat(answer.path("registrationState").path("deviceId").asText()).isEqualTo(chosenDeviceId);
        List<X509Certificate> chain = chain(answer);
        assertThat(Certificates.commonName(chain.get(0))).as("the CSR's subject").isEqualTo(registrationId);

        for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS)) {
            assertThat(twinOver(protocol, answer.path("registrationState").path("assignedHub").asText(),
                    chosenDeviceId, chain.get(0), csr.key())).as("twin over " + protocol).isNotNull();
        }
    }

    @Test
    void registeringAgainWithANewCsrRenewsTheCertificate() throws Exception {
        Enrolled device = enroll();
        List<X509Certificate> first = chain(Json.tree(register(device, opensslCsr(device.registrationId()).csr(),
                PREVIEW).body()));
        KeyAndCsr renewal = bouncyCastleCsr(device.registrationId());
        HttpResponse<String> r = register(device, renewal.csr(), PREVIEW);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Json.tree(r.body());
        List<X509Certificate> second = chain(answer);
        assertThat(second.get(0).getSerialNumber()).isNotEqualTo(first.get(0).getSerialNumber());
        assertThat(second.get(1)).as("same instance CA").isEqualTo(first.get(1));
        Twin twin = twinOver(IotHubClientProtocol.MQTT, answer.path("registrationState").path("assignedHub").asText(),
                answer.path("registrationState").path("deviceId").asText(), second.get(0), renewal.key());
        assertThat(twin).isNotNull();
    }

    /**
     * Raw MQTT as the Java SDK's feature/csr branch speaks it: the api-version only in the CONNECT user name
     * ({@code …/api-version=2025-07-01-preview&ClientVersion=…}), topics unchanged.
     */
    private static List<JsonNode> overMqtt(Enrolled device, String apiVersion, String csr) throws Exception {
        String scope = MusterUnderTest.info().idScope();
        MqttClient c = new MqttClient("ssl://localhost:8883", device.registrationId(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName(scope + "/registrations/" + device.registrationId() + "/api-version=" + apiVersion
                + "&ClientVersion=" + apiVersion);
        o.setPassword(RawDevice.javaStyleToken(scope, device.registrationId(), device.key(), RawDevice.inAnHour())
                .toCharArray());
        o.setSocketFactory(MusterUnderTest.trust().getSocketFactory());
        o.setAutomaticReconnect(false);
        c.connect(o);
        BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
        try {
            c.subscribe("$dps/registrations/res/#", 1, (t, m) -> replies.add(Json.object().put("topic", t)
                    .set("body", Json.tree(new String(m.getPayload(), StandardCharsets.UTF_8)))));
            String body = Json.write(Json.object().put("registrationId", device.registrationId()).put("csr", csr));
            c.publish("$dps/registrations/PUT/iotdps-register/?$rid=1", new MqttMessage(body.getBytes(
                    StandardCharsets.UTF_8)));
            JsonNode registered = replies.poll(20, TimeUnit.SECONDS);
            assertThat(registered).isNotNull();
            if (!registered.path("topic").asText().startsWith("$dps/registrations/res/200/")) {
                return List.of(registered);
            }
            String operationId = registered.path("body").path("operationId").asText();
            c.publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=" + operationId,
                    new MqttMessage(" ".getBytes(StandardCharsets.UTF_8)));
            JsonNode polled = replies.poll(20, TimeUnit.SECONDS);
            return List.of(registered, polled);
        } finally {
            c.disconnect();
            c.close();
        }
    }

    @Test
    void overMqttThePreviewUserNameGetsTheChainInTheAnswerAndThePoll() throws Exception {
        Enrolled device = enroll();
        KeyAndCsr csr = bouncyCastleCsr(device.registrationId());
        List<JsonNode> replies = overMqtt(device, PREVIEW, csr.csr());
        assertThat(replies).hasSize(2);
        JsonNode answer = replies.get(0).path("body");
        List<X509Certificate> chain = chain(answer);
        assertThat(chain).hasSize(2);
        assertThat(chain(replies.get(1).path("body"))).as("polling repeats the chain").isEqualTo(chain);
        Twin twin = twinOver(IotHubClientProtocol.AMQPS, answer.path("registrationState").path("assignedHub").asText(),
                answer.path("registrationState").path("deviceId").asText(), chain.get(0), csr.key());
        assertThat(twin).isNotNull();
    }

    @Test
    void overMqttAnOlderUserNameApiVersionWithACsrIsA400() throws Exception {
        Enrolled device = enroll();
        List<JsonNode> replies = overMqtt(device, "2019-03-31", bouncyCastleCsr(device.registrationId()).csr());
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).path("topic").asText()).startsWith("$dps/registrations/res/400/?$rid=1");
        assertThat(replies.get(0).path("body").path("message").asText()).contains("'2019-03-31'");
    }

    /** Raw AMQP: the request link announces the api-version as the SDKs do, {@code com.microsoft:api-version}. */
    private static List<Message> overAmqp(Enrolled device, String apiVersion, String csr) throws Exception {
        String scope = MusterUnderTest.info().idScope();
        String address = scope + "/registrations/" + device.registrationId();
        try (RawAmqp.Device d = RawAmqp.connect(MusterUnderTest.info().ports().amqp(),
                MusterUnderTest.info().caCertificate(), "PLAIN", address,
                RawDevice.javaStyleToken(scope, device.registrationId(), device.key(), RawDevice.inAnHour()))) {
            d.receiver(address);
            ProtonSender requests = d.sender(address,
                    Map.of(org.apache.qpid.proton.amqp.Symbol.valueOf("com.microsoft:api-version"), apiVersion));
            d.send(requests, RawAmqp.request("iotdps-register", Map.of(), Json.write(Json.object()
                    .put("registrationId", device.registrationId()).put("csr", csr))));
            Message registered = d.reply();
            if (!Integer.valueOf(200).equals(RawAmqp.property(registered, "status-code"))) {
                return List.of(registered);
            }
            d.send(requests, RawAmqp.request("iotdps-get-operationstatus", Map.of("iotdps-operation-id",
                    RawAmqp.json(registered).path("operationId").asText()), null));
            return List.of(registered, d.reply());
        }
    }

    @Test
    void overAmqpThePreviewApiVersionGetsTheChainInTheAnswerAndThePoll() throws Exception {
        Enrolled device = enroll();
        KeyAndCsr csr = bouncyCastleCsr(device.registrationId());
        List<Message> replies = overAmqp(device, PREVIEW, csr.csr());
        assertThat(replies).hasSize(2);
        List<X509Certificate> chain = chain(RawAmqp.json(replies.get(0)));
        assertThat(chain).hasSize(2);
        assertThat(chain(RawAmqp.json(replies.get(1)))).isEqualTo(chain);
        JsonNode state = RawAmqp.json(replies.get(0)).path("registrationState");
        assertThat(twinOver(IotHubClientProtocol.MQTT, state.path("assignedHub").asText(),
                state.path("deviceId").asText(), chain.get(0), csr.key())).isNotNull();
    }

    @Test
    void overAmqpAnOlderApiVersionWithACsrIsA400() throws Exception {
        Enrolled device = enroll();
        List<Message> replies = overAmqp(device, "2019-03-31", bouncyCastleCsr(device.registrationId()).csr());
        assertThat(replies).hasSize(1);
        assertThat(RawAmqp.property(replies.get(0), "status-code")).isEqualTo(400);
        assertThat(RawAmqp.json(replies.get(0)).path("message").asText()).contains("'2019-03-31'");
    }

    @Test
    void theInventoryListsTheIssuedCertificateAndARevokedOneIsRefusedAtTheNextConnection() throws Exception {
        Enrolled device = enroll();
        KeyAndCsr csr = opensslCsr(device.registrationId());
        JsonNode answer = Json.tree(register(device, csr.csr(), PREVIEW).body());
        X509Certificate leaf = chain(answer).get(0);
        String hub = answer.path("registrationState").path("assignedHub").asText();
        String deviceId = answer.path("registrationState").path("deviceId").asText();
        String service = MusterUnderTest.info().serviceConnectionString();
        String path = "/registrations/" + device.registrationId() + "/certificates";

        JsonNode inventory = ServiceRest.json(ServiceRest.call(service, "GET", path, null));
        assertThat(inventory).hasSize(1);
        assertThat(inventory.get(0).path("sha256Thumbprint").asText()).isEqualTo(Certificates.sha256(leaf));
        assertThat(inventory.get(0).path("serialNumber").asText())
                .isEqualToIgnoringCase(leaf.getSerialNumber().toString(16));
        assertThat(inventory.get(0).has("revokedAt")).isFalse();
        assertThat(twinOver(IotHubClientProtocol.MQTT, hub, deviceId, leaf, csr.key())).isNotNull();

        HttpResponse<String> revoked = ServiceRest.call(service, "POST", path + "/revoke", "");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(ServiceRest.json(revoked).path("revoked")).hasSize(1);
        assertThat(ServiceRest.json(ServiceRest.call(service, "GET", path, null)).get(0).has("revokedAt")).isTrue();
        for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> twinOver(protocol, hub, deviceId, leaf, csr.key()))
                    .as("revoked certificate over " + protocol).isInstanceOf(Exception.class);
        }
    }

    @Test
    void anEnrollmentNamingACredentialPolicyGetsThatPolicysValidity() throws Exception {
        String service = MusterUnderTest.info().serviceConnectionString();
        String policy = "week-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> created = ServiceRest.call(service, "PUT", "/certificatePolicies/" + policy,
                "{\"validityDays\":7,\"keyTypes\":[\"ec-p256\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(ServiceRest.json(created).path("keyTypes").get(0).asText()).isEqualTo("ec-p256");
        String etag = ServiceRest.json(created).path("etag").asText();
        HttpResponse<String> replaced = ServiceRest.callWith(service, "PUT", "/certificatePolicies/" + policy,
                "{\"validityDays\":7,\"keyTypes\":[\"ec-p256\",\"rsa\"]}", Map.of("If-Match", etag));
        assertThat(replaced.statusCode()).as("replaced under its etag: " + replaced.body()).isEqualTo(200);
        assertThat(ServiceRest.json(replaced).path("etag").asText()).isNotEqualTo(etag);
        assertThat(ServiceRest.callWith(service, "PUT", "/certificatePolicies/" + policy, "{}", Map.of("If-Match", etag))
                .statusCode()).as("stale etag").isEqualTo(412);

        String registrationId = "it-csr-" + UUID.randomUUID().toString().substring(0, 8);
        Enrolled device = enrollNaming(registrationId, policy);

        HttpResponse<String> r = register(device, opensslCsr(registrationId).csr(), PREVIEW);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        X509Certificate leaf = chain(Json.tree(r.body())).get(0);
        assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(7).plusMinutes(5));
        JsonNode inventory = ServiceRest.json(ServiceRest.call(service, "GET",
                "/registrations/" + registrationId + "/certificates", null));
        assertThat(inventory.get(0).path("policyName").asText()).isEqualTo(policy);

        JsonNode underPolicy = ServiceRest.json(ServiceRest.call(service, "GET",
                "/certificatePolicies/" + policy + "/certificates", null));
        assertThat(underPolicy).hasSize(1);
        assertThat(underPolicy.get(0).path("serialNumber").asText()).isEqualTo(inventory.get(0).path("serialNumber")
                .asText());
        HttpResponse<String> inUse = ServiceRest.call(service, "DELETE", "/certificatePolicies/" + policy, null);
        assertThat(inUse.statusCode()).isEqualTo(409);
        assertThat(ServiceRest.json(inUse).path("message").asText()).contains("1 individual enrollment(s)");
        assertThat(ServiceRest.call(service, "DELETE", "/enrollments/" + registrationId, null).statusCode())
                .isEqualTo(204);
        assertThat(ServiceRest.call(service, "DELETE", "/certificatePolicies/" + policy, null).statusCode())
                .isEqualTo(204);
        assertThat(ServiceRest.call(service, "GET", "/certificatePolicies/" + policy, null).statusCode())
                .isEqualTo(404);
        assertThat(ServiceRest.call(service, "DELETE", "/certificatePolicies/default", null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void aPolicysCertificatesArePagedNewestFirstWithAContinuationToken() throws Exception {
        String service = MusterUnderTest.info().serviceConnectionString();
        String policy = "paged-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(ServiceRest.call(service, "PUT", "/certificatePolicies/" + policy, "{}").statusCode()).isEqualTo(201);
        List<String> registered = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String registrationId = "it-csr-" + UUID.randomUUID().toString().substring(0, 8);
            Enrolled device = enrollNaming(registrationId, policy);
            assertThat(register(device, bouncyCastleCsr(registrationId).csr(), PREVIEW).statusCode()).isEqualTo(200);
            registered.add(0, registrationId);
        }
        List<String> seen = new java.util.ArrayList<>();
        String continuation = null;
        for (int pages = 0; pages < 5; pages++) {
            Map<String, String> headers = new java.util.HashMap<>(Map.of("x-ms-max-item-count", "2"));
            if (continuation != null) {
                headers.put("x-ms-continuation", continuation);
            }
            HttpResponse<String> page = ServiceRest.callWith(service, "GET", "/certificatePolicies/" + policy
                    + "/certificates", null, headers);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            ServiceRest.json(page).forEach(c -> seen.add(c.path("registrationId").asText()));
            continuation = page.headers().firstValue("x-ms-continuation").orElse(null);
            if (continuation == null) {
                break;
            }
        }
        assertThat(seen).containsExactlyElementsOf(registered);
    }

    @Test
    void aCsrWithAnOlderApiVersionIsA400NamingTheVersion() throws Exception {
        Enrolled device = enroll();
        HttpResponse<String> r = register(device, opensslCsr(device.registrationId()).csr(), "2021-10-01");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-ms-error-code")).isPresent();
        JsonNode error = Json.tree(r.body());
        assertThat(error.path("errorCode").asInt()).isEqualTo(400004);
        assertThat(error.path("message").asText()).contains("2021-10-01").contains(PREVIEW);
    }

    @Test
    void aCsrForAnotherRegistrationIdIsRefusedWithoutACertificate() throws Exception {
        Enrolled device = enroll();
        HttpResponse<String> r = register(device, opensslCsr("someone-else").csr(), PREVIEW);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("issuedCertificateChain").doesNotContain("someone-else");
    }
}
