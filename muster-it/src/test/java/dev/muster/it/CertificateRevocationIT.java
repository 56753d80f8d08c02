package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import dev.muster.core.Json;
import dev.muster.core.x509.Certificates;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.Test;

/**
 * Revocation in the world: a device registers with a CSR and connects (the unchanged Java device SDK, X.509, MQTT and
 * AMQPS) with the issued certificate; revoking it through the service API closes the live session within seconds and
 * the reconnection is refused; the CRL at the URL in the leaf's distribution point lists it, as openssl checks; and
 * {@code /metrics} shows the expiring-soon count.
 */
class CertificateRevocationIT {
    private static final String PREVIEW = "2025-07-01-preview";
    /** The revocation watch looks every 2 s; the SDK notices a closed socket at once. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(8);

    private record Issued(String registrationId, String hub, String deviceId, List<X509Certificate> chain,
                          PrivateKey key) {
        X509Certificate leaf() {
            return chain.get(0);
        }

        X509Certificate root() {
            return chain.get(chain.size() - 1);
        }
    }

    /** Enrolls a symmetric-key device and registers it over raw HTTPS with an openssl CSR (no SDK sends one yet). */
    private static Issued registerWithCsr() throws Exception {
        return registerWithCsr(null);
    }

    /** @param policy the enrollment's credentialPolicyName; null for the default policy */
    private static Issued registerWithCsr(String policy) throws Exception {
        String registrationId = "it-rev-" + UUID.randomUUID().toString().substring(0, 8);
        var enrollment = Json.object().put("registrationId", registrationId);
        if (policy != null) {
            enrollment.put("credentialPolicyName", policy);
        }
        enrollment.set("attestation", Json.tree("{\"type\":\"symmetricKey\"}"));
        HttpResponse<String> enrolled = ServiceRest.call(MusterUnderTest.info().serviceConnectionString(), "PUT",
                "/enrollments/" + registrationId, Json.write(enrollment));
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
        String key = ServiceRest.json(enrolled).path("attestation").path("symmetricKey").path("primaryKey").asText();
        Path dir = Files.createTempDirectory("csr");
        run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                dir.resolve("key.pem").toString(), "-subj", "/CN=" + registrationId, "-outform", "DER", "-out",
                dir.resolve("csr.der").toString());
        String csr = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("csr.der")));
        String idScope = MusterUnderTest.info().idScope();
        HttpClient http = HttpClient.newBuilder().sslContext(MusterUnderTest.trust())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest r = HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.info().globalEndpoint() + "/"
                        + idScope + "/registrations/" + registrationId + "/register?api-version=" + PREVIEW))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", RawDevice.javaStyleToken(idScope, registrationId, key, RawDevice.inAnHour()))
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("registrationId",
                        registrationId).put("csr", csr)))).build();
        HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode state = Json.tree(answer.body()).path("registrationState");
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>();
        for (JsonNode c : state.path("issuedCertificateChain")) {
            chain.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(
                    Base64.getDecoder().decode(c.asText()))));
        }
        return new Issued(registrationId, state.path("assignedHub").asText(), state.path("deviceId").asText(), chain,
                Certificates.readPrivateKey(Files.readString(dir.resolve("key.pem")), "openssl key"));
    }

    private static DeviceClient client(Issued device, IotHubClientProtocol protocol) {
        X509Devices.Identity identity = new X509Devices.Identity(device.leaf(), device.key(), List.of());
        return new DeviceClient("HostName=" + device.hub() + ";DeviceId=" + device.deviceId() + ";x509=true", protocol,
                ClientOptions.builder().sslContext(X509Devices.sslContext(identity)).build());
    }

    private static void revoke(Issued device) throws Exception {
        HttpResponse<String> r = ServiceRest.call(MusterUnderTest.info().serviceConnectionString(), "POST",
                "/registrations/" + device.registrationId() + "/certificates/revoke", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.tree(r.body()).path("revoked")).hasSize(1);
    }

    @Test
    void revokingACertificateClosesItsLiveSessionsAndTheReconnectionIsRefused() throws Exception {
        for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS)) {
            Issued device = registerWithCsr();
            DeviceClient client = client(device, protocol);
            BlockingQueue<IotHubConnectionStatus> statuses = new LinkedBlockingQueue<>();
            client.setConnectionStatusChangeCallback(ctx -> statuses.add(ctx.getNewStatus()), null);
            client.open(false);
            try {
                client.subscribeToDesiredProperties((t, ctx) -> { }, null);
                assertThat(TwinReads.get(client)).as("connected over " + protocol).isNotNull();
                statuses.clear();

                long revokedAt = System.nanoTime();
                revoke(device);
                IotHubConnectionStatus first = statuses.poll(CLOSED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(first).as("the live " + protocol + " session was closed within " + CLOSED_WITHIN)
                        .isIn(IotHubConnectionStatus.DISCONNECTED_RETRYING, IotHubConnectionStatus.DISCONNECTED);
                System.out.printf("%s session closed %d ms after the revocation%n", protocol,
                        (System.nanoTime() - revokedAt) / 1_000_000);
            } finally {
                client.close();
            }
            DeviceClient again = client(device, protocol);
            assertThatThrownBy(() -> again.open(false)).as("reconnecting over " + protocol + " is refused");
            again.close();
        }
    }

    @Test
    void theCrlAtTheLeafsDistributionPointListsTheRevokedCertificateAsOpensslChecks() throws Exception {
        Issued revoked = registerWithCsr();
        Issued kept = registerWithCsr();
        String url = distributionPoint(revoked.leaf());
        assertThat(url).isEqualTo(distributionPoint(kept.leaf())).endsWith("/crl/default/default.crl")
                .startsWith("http://");
        revoke(revoked);

        X509CRL crl = null;
        HttpResponse<byte[]> r = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(r.body()));
            if (crl.getRevokedCertificate(revoked.leaf().getSerialNumber()) != null) {
                break; // the CRL endpoint keeps a CRL for 2 s
            }
            Thread.sleep(500);
        }
        assertThat(r.headers().firstValue("Content-Type")).contains("application/pkix-crl");
        assertThat(crl.getRevokedCertificate(revoked.leaf().getSerialNumber())).isNotNull();
        crl.verify(revoked.root().getPublicKey());

        Path dir = Files.createTempDirectory("crl-check");
        Files.writeString(dir.resolve("root.pem"), pem("CERTIFICATE", revoked.root().getEncoded()));
        Files.writeString(dir.resolve("crl.pem"), pem("X509 CRL", r.body()));
        Files.writeString(dir.resolve("revoked.pem"), pem("CERTIFICATE", revoked.leaf().getEncoded()));
        Files.writeString(dir.resolve("kept.pem"), pem("CERTIFICATE", kept.leaf().getEncoded()));
        Result no = openssl("verify", "-crl_check", "-CAfile", dir.resolve("root.pem").toString(), "-CRLfile",
                dir.resolve("crl.pem").toString(), dir.resolve("revoked.pem").toString());
        assertThat(no.exit()).as(no.output()).isNotZero();
        assertThat(no.output()).contains("certificate revoked");
        Result ok = openssl("verify", "-crl_check", "-CAfile", dir.resolve("root.pem").toString(), "-CRLfile",
                dir.resolve("crl.pem").toString(), dir.resolve("kept.pem").toString());
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).contains(": OK");

        HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                url.replace("/default.crl", "/no-such-ca.crl"))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void theMetricsCountTheRegistrationsWhoseCertificateExpiresWithinAWeek() throws Exception {
        String policy = "short-" + UUID.randomUUID().toString().substring(0, 6);
        JsonNode created = threeDayPolicy(policy);
        assertThat(created.path("crlDistributionPoint").asText())
                .as("a policy made without a distribution point gets its CA's CRL").endsWith("/crl/default/default.crl");
        registerWithCsr(policy);
        registerWithCsr(); // 30 days: not expiring soon
        // Counted at most once a minute (never a query per scrape): a scrape by an earlier test may have just counted.
        long deadline = System.nanoTime() + Duration.ofSeconds(75).toNanos();
        double now = expiringSoon();
        while (now < 1 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            now = expiringSoon();
        }
        assertThat(now).as("at least this test's 3-day certificate").isGreaterThanOrEqualTo(1);
    }

    private static JsonNode threeDayPolicy(String name) throws Exception {
        HttpResponse<String> r = ServiceRest.call(MusterUnderTest.info().serviceConnectionString(), "PUT",
                "/certificatePolicies/" + name, "{\"validityDays\":3}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ServiceRest.json(r);
    }

    /** The default instance's gauge; the first scrape starts the count, so it is waited for. */
    private static double expiringSoon() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            String line = MusterUnderTest.metrics().lines()
                    .filter(l -> l.startsWith("muster_issued_certificates_expiring_soon{instance=\"default\"}"))
                    .findFirst().orElse(null);
            if (line != null) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
            assertThat(System.nanoTime()).as("the gauge for the default instance appears").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String distributionPoint(X509Certificate leaf) {
        byte[] ext = leaf.getExtensionValue(Extension.cRLDistributionPoints.getId());
        assertThat(ext).as("the leaf names a CRL distribution point").isNotNull();
        DistributionPoint dp = CRLDistPoint.getInstance(ASN1OctetString.getInstance(ext).getOctets())
                .getDistributionPoints()[0];
        GeneralName name = GeneralNames.getInstance(dp.getDistributionPoint().getName()).getNames()[0];
        return name.getName().toString();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private record Result(int exit, String output) {}

    private static Result openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static void run(String... command) throws Exception {
        Result r = openssl(java.util.Arrays.copyOfRange(command, 1, command.length));
        assertThat(r.exit()).as(r.output()).isZero();
    }

}
