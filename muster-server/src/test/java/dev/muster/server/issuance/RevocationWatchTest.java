package dev.muster.server.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.issuance.IssuedCertificate;
import dev.muster.core.testing.InMemoryIssuanceStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.hub.CertificateSessions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevocationWatchTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final InMemoryIssuanceStore store = new InMemoryIssuanceStore();
    private final List<Set<String>> asked = new ArrayList<>();
    private final CertificateSessions transport = (thumbprints, reason) -> {
        asked.add(thumbprints);
        return thumbprints.size();
    };

    private void issueAndRevoke(String thumbprint, Instant at) {
        String serial = thumbprint.substring(0, 4);
        store.recordIssued("contoso", new IssuedCertificate("dev-" + serial, serial, thumbprint,
                at.plus(Duration.ofDays(30)), "default", "default", at.minusSeconds(600), null));
        store.revoke("contoso", "default", serial, at);
    }

    @Test
    void eachLookClosesTheSessionsOfCertificatesRevokedSinceTheLastReachingBackForClockSkew() {
        issueAndRevoke("AAAA" + "0".repeat(60), clock.instant().minus(RevocationWatch.OVERLAP).minusSeconds(1));
        RevocationWatch watch = new RevocationWatch(store, List.of(transport, transport), clock);
        assertThat(watch.look()).as("revoked long before the watch started").isZero();
        assertThat(asked).isEmpty();

        clock.advance(RevocationWatch.EVERY);
        // Revoked by a node whose clock runs 10 s behind this one's: still seen.
        issueAndRevoke("BBBB" + "0".repeat(60), clock.instant().minusSeconds(10));
        assertThat(watch.look()).as("both transports asked").isEqualTo(2);
        assertThat(asked).containsExactly(Set.of("BBBB" + "0".repeat(60)), Set.of("BBBB" + "0".repeat(60)));

        asked.clear();
        clock.advance(RevocationWatch.OVERLAP.plusSeconds(5));
        watch.look();
        clock.advance(RevocationWatch.EVERY);
        assertThat(watch.look()).as("once out of the overlap, a revocation is not looked at again").isZero();
    }
}
