package dev.muster.core.registration;

import dev.muster.core.sas.Hmac;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The symmetric keys a TPM device receives in activation blobs, derived from a server secret instead of stored:
 * the challenge key for a 10-minute window (any node of a deployment can verify the device's next request, with no
 * shared challenge table), and the hub key, stable per device so re-registration hands the device the key its hub
 * identity already has. Only the TPM holding the enrolled EK can open the blobs that carry them.
 */
public final class TpmKeys {
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final byte[] secret;
    private final Clock clock;

    public TpmKeys(byte[] secret, Clock clock) {
        this.secret = secret.clone();
        this.clock = clock;
    }

    /** The challenge key to send now. */
    public byte[] challengeKey(String instance, String registrationId, byte[] endorsementKey) {
        return challengeKey(instance, registrationId, endorsementKey, window(0));
    }

    /** Keys a device may hold from a recent challenge: this window's and the previous one's. */
    public List<byte[]> acceptedChallengeKeys(String instance, String registrationId, byte[] endorsementKey) {
        List<byte[]> keys = new ArrayList<>();
        keys.add(challengeKey(instance, registrationId, endorsementKey, window(0)));
        keys.add(challengeKey(instance, registrationId, endorsementKey, window(-1)));
        return keys;
    }

    /** The key of the device's hub identity, wrapped in the final activation blob. */
    public byte[] hubKey(String instance, String registrationId, byte[] endorsementKey) {
        return derive("tpm-hub", instance, registrationId, endorsementKey, 0);
    }

    private long window(int offset) {
        return clock.millis() / WINDOW.toMillis() + offset;
    }

    private byte[] challengeKey(String instance, String registrationId, byte[] ek, long window) {
        return derive("tpm-challenge", instance, registrationId, ek, window);
    }

    private byte[] derive(String purpose, String instance, String registrationId, byte[] ek, long window) {
        byte[] label = (purpose + "\n" + instance + "\n" + registrationId.toLowerCase(Locale.ROOT) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] ekHash;
        try {
            ekHash = MessageDigest.getInstance("SHA-256").digest(ek);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer data = ByteBuffer.allocate(label.length + ekHash.length + 8);
        data.put(label).put(ekHash).putLong(window);
        return Hmac.sha256(secret, data.array());
    }
}
