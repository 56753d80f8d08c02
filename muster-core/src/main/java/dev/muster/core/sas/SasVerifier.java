package dev.muster.core.sas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Tolerant SAS verification (reference §4.1, §4.3, §4.4): the signature is accepted if it matches the HMAC of
 * the resource exactly as written in the token, or of its URL-decoded form, under any candidate key.
 */
public final class SasVerifier {
    private final Clock clock;

    public SasVerifier(Clock clock) {
        this.clock = clock;
    }

    public enum Result { VALID, MALFORMED, EXPIRED, WRONG_RESOURCE, BAD_SIGNATURE }

    /**
     * @param expectedResource the scope the request is about, compared case-insensitively after URL-decoding
     * @param keys base64 keys to try (primary, secondary, derived …); null or blank entries are skipped
     */
    public Result verify(SasToken token, String expectedResource, Collection<String> keys) {
        if (token.expiry() < clock.instant().getEpochSecond()) {
            return Result.EXPIRED;
        }
        if (!resourceMatches(token.resource(), expectedResource)) {
            return Result.WRONG_RESOURCE;
        }
        return signatureMatches(token, keys) ? Result.VALID : Result.BAD_SIGNATURE;
    }

    public boolean signatureMatches(SasToken token, Collection<String> keys) {
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(SasToken.decode(token.rawSignature()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(token.rawResource());
        candidates.add(token.resource());
        for (String key : keys) {
            if (key == null || key.isBlank()) {
                continue;
            }
            for (String sr : candidates) {
                byte[] expected = Hmac.sha256(Base64.getDecoder().decode(key),
                        (sr + "\n" + token.expiry()).getBytes(StandardCharsets.UTF_8));
                if (MessageDigest.isEqual(expected, presented)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Case-insensitive, ignoring a trailing slash and a scheme some clients prepend. */
    static boolean resourceMatches(String presented, String expected) {
        return normalise(presented).equalsIgnoreCase(normalise(expected));
    }

    private static String normalise(String resource) {
        String r = resource.strip();
        int scheme = r.indexOf("://");
        if (scheme >= 0) {
            r = r.substring(scheme + 3);
        }
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
