package dev.muster.server.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.device.DeviceClaim;
import dev.muster.core.issuance.IssuingCa;
import dev.muster.core.testing.InMemoryIssuanceStore;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InstanceIssuedTrustTest {
    private final InMemoryStore claims = new InMemoryStore();
    private final InMemoryIssuanceStore cas = new InMemoryIssuanceStore();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final InstanceIssuedTrust trust = new InstanceIssuedTrust(claims, cas, clock);
    private final IssuingCa generated = IssuingCa.generate("default", "contoso");
    private final IssuingCa other = IssuingCa.generate("fleet", "contoso");

    InstanceIssuedTrustTest() {
        claims.insertDeviceClaim(new DeviceClaim("hub.local", "dev-1", "0ne0001", "contoso", "dev-1",
                "2026-12-04T10:00:00Z"));
        cas.insertIssuingCa("contoso", generated);
    }

    @Test
    void aDeviceIsVouchedForByTheRootsOfAllItsInstancesCasAndNoOtherInstances() {
        cas.insertIssuingCa("contoso", other);
        cas.insertIssuingCa("fabrikam", IssuingCa.generate("default", "fabrikam"));
        assertThat(trust.anchors("hub.local", "dev-1")).containsExactlyInAnyOrder(generated.root(), other.root());
        assertThat(trust.anchors("hub.local", "unclaimed")).isEmpty();
    }

    @Test
    void theRootsAreReadOncePerTtlUnlessThisNodeChangesACa() {
        assertThat(trust.anchors("hub.local", "dev-1")).containsExactly(generated.root());
        cas.insertIssuingCa("contoso", other);
        assertThat(trust.anchors("hub.local", "dev-1")).as("cached").containsExactly(generated.root());

        trust.invalidate("contoso");
        assertThat(trust.anchors("hub.local", "dev-1")).containsExactlyInAnyOrder(generated.root(), other.root());

        cas.deleteIssuingCa("contoso", "fleet");
        clock.advance(InstanceIssuedTrust.ROOTS_TTL);
        assertThat(trust.anchors("hub.local", "dev-1")).as("another node's change, after the TTL")
                .containsExactly(generated.root());
    }
}
