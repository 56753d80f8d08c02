package dev.muster.core.issuance;

import java.time.Instant;

/**
 * The newest CRL of one issuing CA, as the store keeps it so every node serves the same one.
 *
 * @param number the CRL Number extension (RFC 5280 §5.2.3): grows by one with each CRL, never goes back
 * @param revokedCount how many of the CA's certificates were revoked when it was built: a revocation since makes it
 *                     stale whatever the clocks of the nodes say (revocations are never undone, so the count only grows)
 * @param der the signed CRL
 */
public record PublishedCrl(long number, Instant thisUpdate, Instant nextUpdate, int revokedCount, byte[] der) {
    public PublishedCrl {
        der = der.clone();
    }

    @Override
    public byte[] der() {
        return der.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublishedCrl p && p.number == number && p.thisUpdate.equals(thisUpdate)
                && p.nextUpdate.equals(nextUpdate) && p.revokedCount == revokedCount
                && java.util.Arrays.equals(p.der, der);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(number) * 31 + java.util.Arrays.hashCode(der);
    }

    @Override
    public String toString() {
        return "PublishedCrl[#" + number + ", " + thisUpdate + " .. " + nextUpdate + ", " + revokedCount + " revoked]";
    }
}
