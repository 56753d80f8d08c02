package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * What an Azure SDK TPM device does over HTTPS (reference §6.1): register with EK and SRK, receive the challenge
 * blob, activate it in the TPM, register again with a token the TPM signs, then activate the hub key from the
 * final result so the TPM can sign hub tokens.
 */
final class TpmRegistration {
    private final HttpClient http;
    private final String endpoint;
    private final TpmToolsDevice tpm;

    TpmRegistration(HttpClient http, String endpoint, TpmToolsDevice tpm) {
        this.http = http;
        this.endpoint = endpoint;
        this.tpm = tpm;
    }

    /** The registration ID the SDKs derive from the EK: lowercase base32 of SHA-256(EK), no padding. */
    static String registrationId(byte[] ek) throws Exception {
        byte[] h = MessageDigest.getInstance("SHA-256").digest(ek);
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : h) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    /** Result JSON of the registration (status and registrationState). */
    JsonNode register(String idScope, String registrationId, TpmToolsDevice.Keys keys, JsonNode payload)
            throws Exception {
        ObjectNode body = Json.object().put("registrationId", registrationId);
        body.putObject("tpm").put("endorsementKey", Base64.getEncoder().encodeToString(keys.endorsementKey()))
                .put("storageRootKey", Base64.getEncoder().encodeToString(keys.storageRootKey()));
        if (payload != null) {
            body.set("payload", payload);
        }
        String base = "https://" + endpoint + "/" + idScope + "/registrations/"
                + URLEncoder.encode(registrationId, StandardCharsets.UTF_8);
        HttpResponse<String> first = put(base, null, body);
        JsonNode challenge = parse(first);
        if (first.statusCode() != 401 || !challenge.hasNonNull("authenticationKey")) {
            throw new ApiClient.ApiError(6, "Expected a TPM challenge (401 with authenticationKey), got HTTP "
                    + first.statusCode() + " " + first.body());
        }
        tpm.activate(Base64.getDecoder().decode(challenge.get("authenticationKey").asText()));
        String token = token(idScope + "/registrations/" + registrationId);
        HttpResponse<String> r = put(base, token, body);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (r.statusCode() == 202 && System.nanoTime() < deadline) {
            Thread.sleep(1000L * r.headers().firstValue("retry-after").map(Long::parseLong).orElse(2L));
            r = http.send(HttpRequest.newBuilder(URI.create(base + "/operations/"
                            + URLEncoder.encode(parse(r).path("operationId").asText(), StandardCharsets.UTF_8)
                            + "?api-version=2021-06-01")).header("Authorization", token).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        JsonNode result = parse(r);
        if (r.statusCode() >= 300) {
            throw new ApiClient.ApiError(6, "Registration refused: HTTP " + r.statusCode() + " "
                    + result.path("errorCode").asText() + " " + result.path("message").asText());
        }
        JsonNode hubBlob = result.path("registrationState").path("tpm").path("authenticationKey");
        if ("assigned".equals(result.path("status").asText()) && hubBlob.isTextual()) {
            tpm.activate(Base64.getDecoder().decode(hubBlob.asText()));
        }
        return result;
    }

    /** A SAS token for {@code resource} signed by the TPM's identity key (raw sr, as the Java SDK sends it). */
    String token(String resource) {
        long se = Instant.now().getEpochSecond() + 3600;
        byte[] sig = tpm.hmac((resource + "\n" + se).getBytes(StandardCharsets.UTF_8));
        return "SharedAccessSignature sr=" + resource + "&sig="
                + URLEncoder.encode(Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8) + "&se=" + se;
    }

    private HttpResponse<String> put(String base, String token, JsonNode body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/register?api-version=2021-06-01"))
                .header("Content-Type", "application/json; charset=utf-8").timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (token != null) {
            b.header("Authorization", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode parse(HttpResponse<String> r) {
        String b = r.body();
        return b == null || b.isBlank() ? Json.object() : Json.tree(b);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
