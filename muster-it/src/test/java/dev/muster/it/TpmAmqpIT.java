package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.cli.TpmToolsDevice;
import dev.muster.core.tpm.SoftwareTpm;
import dev.muster.core.tpm.TpmRegistrationId;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TPM attestation over AMQP (reference §3): the Java SDK's AMQP TPM path needs its TSS-based TPM provider, which
 * cannot drive a software TPM here, so a proton-j client plays the SDK's SASL {@code TPM} exchange byte for byte
 * (init frame, SRK round, two blob segments, SAS token) with a swtpm doing the device's TPM work.
 */
class TpmAmqpIT {

    @BeforeEach
    void requireSoftwareTpm() {
        SoftwareTpm.assumeInstalled();
    }

    /** The device side of the SASL exchange, as the Java SDK's handler answers each challenge. */
    private static final class TpmSaslClient {
        private final TpmToolsDevice tpm;
        private final String scope;
        private final String registrationId;
        private final byte[] srk;
        private final boolean forgeToken;
        private final ByteArrayOutputStream blob = new ByteArrayOutputStream();
        private int round;

        TpmSaslClient(TpmToolsDevice tpm, String scope, String registrationId, byte[] srk, boolean forgeToken) {
            this.tpm = tpm;
            this.scope = scope;
            this.registrationId = registrationId;
            this.srk = srk;
            this.forgeToken = forgeToken;
        }

        static byte[] init(String scope, String registrationId, byte[] ek) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.writeBytes(scope.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            out.writeBytes(registrationId.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            out.writeBytes(ek);
            return out.toByteArray();
        }

        byte[] answer(byte[] challenge) {
            round++;
            if (round == 1) {
                assertThat(challenge).containsExactly(0);
                return concat(new byte[] {0}, srk);
            }
            if (round == 2) {
                assertThat(challenge[0]).isEqualTo((byte) 0x80);
                blob.write(challenge, 1, challenge.length - 1);
                return new byte[] {0};
            }
            assertThat(challenge[0]).isEqualTo((byte) 0xC1);
            blob.write(challenge, 1, challenge.length - 1);
            tpm.activate(blob.toByteArray());
            String token = forgeToken
                    ? RawDevice.javaStyleToken(scope, registrationId, Base64.getEncoder().encodeToString(new byte[32]),
                            RawDevice.inAnHour())
                    : tpmToken(tpm, scope + "/registrations/" + registrationId);
            return concat(new byte[] {0}, token.getBytes(StandardCharsets.UTF_8));
        }
    }

    private record Outcome(Sasl.SaslOutcome sasl, Message answer) {}

    /** Connects with SASL TPM, then (if SASL succeeds) sends one register request over the DPS links. */
    private static Outcome registerOverAmqp(TpmSaslClient device, String scope, String id, byte[] ek, String body)
            throws Exception {
        Connection connection = Proton.connection();
        Transport transport = Proton.transport();
        Sasl sasl = transport.sasl();
        sasl.client();
        sasl.setMechanisms("TPM");
        byte[] init = TpmSaslClient.init(scope, id, ek);
        sasl.send(init, 0, init.length);
        transport.bind(connection);
        connection.setContainer("tpm-device");
        connection.setHostname("localhost");
        connection.open();
        Receiver answers = RawAmqp.dpsLinks(connection, "/" + scope + "/registrations/" + id, "provision_sender_link",
                "provision_receiver_link", body);

        Outcome outcome = RawAmqp.pump(transport, 30, () -> {
            if (sasl.pending() > 0) {
                byte[] challenge = new byte[sasl.pending()];
                sasl.recv(challenge, 0, challenge.length);
                byte[] response = device.answer(challenge);
                sasl.send(response, 0, response.length);
            }
            Sasl.SaslOutcome state = sasl.getOutcome();
            if (state != Sasl.SaslOutcome.PN_SASL_NONE && state != Sasl.SaslOutcome.PN_SASL_OK) {
                return new Outcome(state, null);
            }
            Message answer = RawAmqp.next(answers);
            return answer == null ? null : new Outcome(state, answer);
        });
        return outcome != null ? outcome : new Outcome(sasl.getOutcome(), null);
    }

    private static String enroll(byte[] ek) throws Exception {
        String id = TpmRegistrationId.of(ek);
        HttpResponse<String> r = ServiceApiIT.raw("PUT", "/enrollments/" + id, "{\"attestation\":{\"type\":\"tpm\","
                + "\"tpm\":{\"endorsementKey\":\"" + Base64.getEncoder().encodeToString(ek) + "\"}}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return id;
    }

    private static String body(String id, SoftwareTpm.Keys keys) {
        return "{\"registrationId\":\"" + id + "\",\"tpm\":{\"endorsementKey\":\""
                + Base64.getEncoder().encodeToString(keys.ek()) + "\",\"storageRootKey\":\""
                + Base64.getEncoder().encodeToString(keys.srk()) + "\"}}";
    }

    @Test
    void aTpmDeviceRegistersOverAmqpAndGetsItsHubKeyInTheTpm() throws Exception {
        try (SoftwareTpm tpm = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = tpm.createEkAndSrk();
            String id = enroll(keys.ek());
            String scope = MusterUnderTest.info().idScope();
            Outcome outcome = registerOverAmqp(new TpmSaslClient(tpm.device(), scope, id, keys.srk(), false), scope, id,
                    keys.ek(), body(id, keys));
            assertThat(outcome.sasl()).isEqualTo(Sasl.SaslOutcome.PN_SASL_OK);
            assertThat(outcome.answer()).as("an answer on the receiver link").isNotNull();
            JsonNode result = RawAmqp.json(outcome.answer());
            assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("assigned");
            String blob = result.path("registrationState").path("tpm").path("authenticationKey").asText();
            assertThat(blob).isNotBlank();

            // The final blob carries the hub identity's key: activated, the TPM signs tokens the hub accepts.
            tpm.activate(Base64.getDecoder().decode(blob));
            String hub = result.path("registrationState").path("assignedHub").asText();
            String deviceId = result.path("registrationState").path("deviceId").asText();
            assertThat(MusterUnderTest.server().builtInHub().authentication().authenticateDevice(hub, deviceId,
                    tpmToken(tpm.device(), hub + "/devices/" + deviceId))).isEmpty();
        }
    }

    @Test
    void aTokenNotSignedWithTheChallengeKeyFailsSasl() throws Exception {
        try (SoftwareTpm tpm = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = tpm.createEkAndSrk();
            String id = enroll(keys.ek());
            String scope = MusterUnderTest.info().idScope();
            Outcome outcome = registerOverAmqp(new TpmSaslClient(tpm.device(), scope, id, keys.srk(), true), scope, id,
                    keys.ek(), body(id, keys));
            assertThat(outcome.sasl()).isEqualTo(Sasl.SaslOutcome.PN_SASL_AUTH);
            assertThat(outcome.answer()).isNull();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String tpmToken(TpmToolsDevice tpm, String resource) {
        long se = Instant.now().getEpochSecond() + 3600;
        byte[] sig = tpm.hmac((resource + "\n" + se).getBytes(StandardCharsets.UTF_8));
        return "SharedAccessSignature sr=" + resource + "&sig="
                + URLEncoder.encode(Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8) + "&se=" + se;
    }
}
