package dev.muster.hub.methods;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the calls one node hands another (a direct method for a device connected there). The calling
 * node has already authorised the caller with the hub's policy; the receiving node trusts a call signed with the
 * deployment's shared node key instead, so the service's token never travels between nodes. The signature covers the
 * path, the body and the time, and is good for {@link #MAX_AGE}, which bounds replay.
 */
public final class NodeCallSignature {
    public static final String HEADER = "x-muster-node-call";
    static final Duration MAX_AGE = Duration.ofSeconds(60);

    private final byte[] key;
    private final Clock clock;

    /** @param key the deployment's node-call key (every node derives the same one from the shared secret) */
    public NodeCallSignature(byte[] key, Clock clock) {
        this.key = key.clone();
        this.clock = clock;
    }

    /** The header value for a call: {@code {epoch seconds}:{base64 HMAC-SHA256}}. */
    public String sign(String hubHost, String path, byte[] body) {
        long at = clock.instant().getEpochSecond();
        return at + ":" + mac(at, hubHost, path, body);
    }

    /** Empty when the header is a valid, fresh signature of this call; else why not. */
    public Optional<String> check(String header, String hubHost, String path, byte[] body) {
        if (header == null) {
            return Optional.of("no " + HEADER + " header");
        }
        int colon = header.indexOf(':');
        long at;
        try {
            at = Long.parseLong(header.substring(0, Math.max(0, colon)));
        } catch (NumberFormatException e) {
            return Optional.of("malformed " + HEADER + " header");
        }
        Duration age = Duration.between(Instant.ofEpochSecond(at), clock.instant()).abs();
        if (age.compareTo(MAX_AGE) > 0) {
            return Optional.of("node call signed " + age.toSeconds() + " s away from now");
        }
        byte[] expected = mac(at, hubHost, path, body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = header.substring(colon + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? Optional.empty() : Optional.of("node call signature invalid");
    }

    private String mac(long at, String hubHost, String path, byte[] body) {
        try {
            byte[] bodyHash = MessageDigest.getInstance("SHA-256").digest(body);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((at + "\n" + hubHost.toLowerCase(java.util.Locale.ROOT) + "\n" + path + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(bodyHash));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
