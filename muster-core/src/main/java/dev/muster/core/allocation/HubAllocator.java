package dev.muster.core.allocation;

import dev.muster.core.instance.LinkedHub;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Evenly weighted (hashed) allocation by weighted rendezvous hashing: each hub scores
 * {@code -weight / ln(u)} with {@code u} a uniform hash of (registration ID, hub); the highest wins. The same
 * device lands on the same hub while the set is unchanged, shares follow the weights, and changing one hub's
 * weight only moves devices to or from that hub.
 */
public final class HubAllocator {

    public Optional<LinkedHub> hashed(String registrationId, List<LinkedHub> hubs) {
        LinkedHub best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (LinkedHub hub : hubs) {
            if (hub.allocationWeight() <= 0) {
                continue;
            }
            double u = unit(registrationId.toLowerCase(Locale.ROOT) + "\n" + hub.hostName().toLowerCase(Locale.ROOT));
            double score = -hub.allocationWeight() / Math.log(u);
            if (score > bestScore) {
                bestScore = score;
                best = hub;
            }
        }
        return Optional.ofNullable(best);
    }

    /** A hash mapped into the open interval (0, 1). */
    static double unit(String s) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long bits = 0;
        for (int i = 0; i < 7; i++) {
            bits = (bits << 8) | (h[i] & 0xff);
        }
        bits >>>= 3; // 53 bits
        return (bits + 0.5) / (double) (1L << 53);
    }
}
