package dev.muster.core.issuance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The current CRL of each issuing CA, shared by every node through the store. A CRL lasts {@link #LIFE}; it is
 * replaced once half of that has passed (relying parties that fetch near its nextUpdate find a fresh one) or as soon
 * as a certificate of its CA was revoked after it was built. The replacement is numbered one more than the stored
 * one and stored only if that is still the stored one (a conditional update): of nodes replacing it at once, one
 * wins and the others serve the winner's, so the CRL Number never goes back, whichever node a client asks.
 */
public final class CrlPublisher {
    public static final Duration LIFE = Duration.ofDays(1);
    /** Attempts against other nodes replacing the same CRL; each loss means a newer one is stored. */
    private static final int ATTEMPTS = 5;

    private final IssuanceStore store;
    private final Clock clock;

    public CrlPublisher(IssuanceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The CA's current CRL (DER), made or replaced first when due; empty when the instance has no such CA. */
    public Optional<PublishedCrl> current(String instance, String issuingCa) {
        PublishedCrl stored = store.crl(instance, issuingCa).orElse(null);
        IssuingCa ca = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int revokedNow = store.revokedCount(instance, issuingCa);
            Instant now = clock.instant();
            if (stored != null && !due(stored, revokedNow, now)) {
                return Optional.of(stored); // the common case: no CA key is unsealed
            }
            if (ca == null) {
                Optional<IssuingCa> found = store.issuingCa(instance, issuingCa);
                if (found.isEmpty()) {
                    return Optional.empty();
                }
                ca = found.get();
            }
            List<IssuedCertificate> revoked = store.revokedBy(instance, issuingCa);
            long number = stored == null ? 1 : stored.number() + 1;
            Instant next = now.plus(LIFE);
            PublishedCrl made = new PublishedCrl(number, now, next, revoked.size(),
                    CrlBuilder.build(ca, revoked, number, now, next));
            if (store.publishCrl(instance, issuingCa, stored == null ? 0 : stored.number(), made)) {
                return Optional.of(made);
            }
            stored = store.crl(instance, issuingCa).orElse(null);
        }
        // Others kept replacing it under us: theirs is at least as new as ours would have been.
        return Optional.ofNullable(stored);
    }

    /** Stale: half its life gone, or a revocation it does not list (the count moved). */
    static boolean due(PublishedCrl crl, int revokedNow, Instant now) {
        Duration half = Duration.between(crl.thisUpdate(), crl.nextUpdate()).dividedBy(2);
        return revokedNow != crl.revokedCount() || !now.isBefore(crl.thisUpdate().plus(half));
    }
}
