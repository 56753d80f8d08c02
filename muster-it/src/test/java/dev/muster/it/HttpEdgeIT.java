package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import dev.muster.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What a client that breaks the HTTP, TLS or SAS rules gets: our own refusal, never its own words echoed back. */
class HttpEdgeIT {
    private static final String[] CBC_ONLY = {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"};

    private static SSLSocket tls(int port) throws Exception {
        SSLSocket s = (SSLSocket) MusterUnderTest.trust().getSocketFactory().createSocket("localhost", port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends one raw request over TLS and reads the whole answer (the server closes, or sends one response). */
    private static String exchange(String request) throws Exception {
        try (SSLSocket s = tls(MusterUnderTest.info().ports().https())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    answer.write(buf, 0, n);
                    String text = answer.toString(StandardCharsets.ISO_8859_1);
                    int head = text.indexOf("\r\n\r\n");
                    int length = text.toLowerCase().indexOf("content-length: ");
                    if (head > 0 && length > 0 && length < head) {
                        int len = Integer.parseInt(text.substring(length + 16, text.indexOf("\r\n", length)).strip());
                        if (answer.size() >= head + 4 + len) {
                            break;
                        }
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // whatever arrived is the answer
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String statusLine(String answer) {
        return answer.isEmpty() ? "" : answer.substring(0, answer.indexOf("\r\n"));
    }

    @Test
    void anUnknownHttpVersionGetsOurOwnStatusLineAndAClose() throws Exception {
        String v99 = exchange("GET / HTTP/9.9\r\nHost: localhost\r\n\r\n");
        String other = exchange("GET / FOO/1.1\r\nHost: localhost\r\n\r\n");

        assertThat(statusLine(v99)).isEqualTo("HTTP/1.1 505 HTTP Version Not Supported");
        assertThat(v99.toLowerCase()).contains("connection: close");
        assertThat(statusLine(other)).isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(statusLine(exchange("GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n")))
                .as("HTTP/1.0 is still served").isEqualTo("HTTP/1.0 200 OK");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plus", "absurd", "junk", "repeated"})
    void aSasTokenNoSdkSendsIsRefusedWithTheUsual401(String fault) throws Exception {
        String id = "edge-" + UUID.randomUUID().toString().substring(0, 6);
        String key = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null))).getAttestation()).getPrimaryKey();
        String scope = MusterUnderTest.info().idScope();
        long expiry = fault.equals("absurd") ? Long.MAX_VALUE : RawDevice.inAnHour();
        String token = RawDevice.javaStyleToken(scope, id, key, expiry); // signed correctly: the form is the fault
        String sent = switch (fault) {
            case "plus" -> token.replace("&se=", "&se=+");
            case "junk" -> token + "&x=1";
            case "repeated" -> token + "&se=" + expiry;
            default -> token;
        };
        String body = "{\"registrationId\":\"" + id + "\"}";

        String answer = exchange("PUT /" + scope + "/registrations/" + id + "/register?api-version=2019-03-31 HTTP/1.1\r\n"
                + "Host: localhost\r\nContent-Type: application/json\r\nAuthorization: " + sent + "\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);

        assertThat(statusLine(answer)).isEqualTo("HTTP/1.1 401 Unauthorized");
        assertThat(Json.tree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("errorCode").asInt())
                .isEqualTo(401002);
        if (!fault.equals("absurd")) {
            HttpResponse<String> ok = new RawDevice().register(scope, id, token, body);
            assertThat(ok.statusCode()).as("the same token as an SDK writes it: " + ok.body()).isEqualTo(200);
        }
    }

    @Test
    void theServiceApiRefusesAJunkTokenAsItRefusesAWrongKey() throws Exception {
        String token = ServiceRest.token(Tenants.admin(), 600);
        String host = dev.muster.core.sas.ConnectionString.parse(Tenants.admin()).hostName();

        HttpResponse<String> junk = ServiceRest.call(host, token + "&unknown=1", "GET", "/enrollments/nobody", null);
        HttpResponse<String> plus = ServiceRest.call(host, token.replace("&se=", "&se=+"), "GET", "/enrollments/nobody", null);

        for (HttpResponse<String> r : java.util.List.of(junk, plus)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(Json.tree(r.body()).path("errorCode").asInt()).isEqualTo(401002);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https", "mqtt", "amqp"})
    void tls12OffersAeadSuitesOnly(String listener) throws Exception {
        int port = switch (listener) {
            case "https" -> MusterUnderTest.info().ports().https();
            case "mqtt" -> MusterUnderTest.info().ports().mqtt();
            default -> MusterUnderTest.info().ports().amqp();
        };
        try (SSLSocket cbc = tls(port)) {
            cbc.setEnabledProtocols(new String[] {"TLSv1.2"});
            cbc.setEnabledCipherSuites(CBC_ONLY);
            assertThatThrownBy(cbc::startHandshake).isInstanceOf(SSLException.class);
        }
        for (String aead : new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"}) {
            try (SSLSocket s = tls(port)) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.setEnabledCipherSuites(new String[] {aead});
                s.startHandshake();
                assertThat(s.getSession().getCipherSuite()).isEqualTo(aead);
            }
        }
    }
}
