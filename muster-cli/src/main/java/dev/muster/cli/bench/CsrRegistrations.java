package dev.muster.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.x509.CertificateMaker;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import java.util.stream.IntStream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Registrations that ask for an operational certificate (DPS data-plane 2025-07-01-preview): the register body
 * carries {@code csr}, base64 DER PKCS#10 with CN = registration ID, and the registration counts only when the answer
 * holds {@code issuedCertificateChain} (leaf, CA, root at least). Keys and requests are made before the phase, as a
 * device makes them before it connects; the storm sends bytes only.
 */
public final class CsrRegistrations {
    public static final String API_VERSION = "2025-07-01-preview";

    private CsrRegistrations() {}

    /** One ECDSA P-256 CSR per registration ID, in parallel (key generation dominates). */
    public static String[] requests(String[] registrationIds) {
        String[] csrs = new String[registrationIds.length];
        IntStream.range(0, registrationIds.length).parallel().forEach(i -> csrs[i] = csr(registrationIds[i]));
        return csrs;
    }

    static String csr(String registrationId) {
        KeyPair keys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        try {
            byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + registrationId),
                    keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                    .getEncoded();
            return Base64.getEncoder().encodeToString(der);
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the CSR of " + registrationId, e);
        }
    }

    /**
     * One device's registration with its CSR, authenticated by its X.509 client certificate (no token): register,
     * poll while 202, done when assigned with a chain.
     */
    public static HttpsJob.Exchange registration(String host, String idScope, String registrationId, String csr) {
        byte[] body = Json.write(Json.object().put("registrationId", registrationId).put("csr", csr))
                .getBytes(StandardCharsets.UTF_8);
        byte[] register = DpsHttp.request("PUT", host, "/" + idScope + "/registrations/" + DpsHttp.enc(registrationId)
                + "/register?api-version=" + API_VERSION, null, body);
        return new HttpsJob.Exchange() {
            @Override
            public byte[] firstRequest() {
                return register;
            }

            @Override
            public HttpsJob.Step onResponse(FullHttpResponse r) {
                int code = r.status().code();
                if (code != 200 && code != 202) {
                    String error = r.headers().get("x-ms-error-code");
                    return HttpsJob.Step.failed("HTTP " + code + (error == null ? "" : " " + error));
                }
                JsonNode result = parse(r);
                if (code == 202 || "assigning".equals(result.path("status").asText())) {
                    byte[] poll = DpsHttp.request("GET", host, "/" + idScope + "/registrations/"
                            + DpsHttp.enc(registrationId) + "/operations/"
                            + DpsHttp.enc(result.path("operationId").asText("")) + "?api-version=" + API_VERSION,
                            null, null);
                    return HttpsJob.Step.again(poll, DpsHttp.retryAfterMillis(r.headers().get("Retry-After")));
                }
                return outcome(result);
            }
        };
    }

    /** Assigned with a chain of at least leaf + issuing CA; anything else is a failure of its own kind. */
    static HttpsJob.Step outcome(JsonNode result) {
        String status = result.path("status").asText("");
        if (!status.equals("assigned")) {
            JsonNode state = result.path("registrationState");
            return HttpsJob.Step.failed("status " + status + (state.has("errorCode") ? " " + state.get("errorCode") : ""));
        }
        JsonNode chain = result.path("registrationState").path("issuedCertificateChain");
        return chain.isArray() && chain.size() >= 2 ? HttpsJob.Step.DONE : HttpsJob.Step.failed("assigned without a chain");
    }

    private static JsonNode parse(FullHttpResponse r) {
        try (InputStream in = new ByteBufInputStream(r.content().duplicate())) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable JSON", e);
        }
    }
}
