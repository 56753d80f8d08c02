package dev.muster.core.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentCasTest {
    private final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-04T00:00:00Z"));
    private final RecentCas cas = new RecentCas(clock, Duration.ofSeconds(10));
    private final AtomicInteger loads = new AtomicInteger();

    private IssuingCa load() {
        loads.incrementAndGet();
        return IssuingCa.generate("default", "i1");
    }

    @Test
    void aCaSignedWithRecentlyIsNotLoadedAgain() {
        IssuingCa first = cas.get("i1", "default", this::load);
        clock.advance(Duration.ofSeconds(9));
        assertThat(cas.get("i1", "DEFAULT", this::load)).isSameAs(first);
        assertThat(loads).hasValue(1);
    }

    @Test
    void aCaIsReadAgainOnceItsEntryIsOlderThanTheTtl() {
        IssuingCa first = cas.get("i1", "default", this::load);
        clock.advance(Duration.ofSeconds(11));
        assertThat(cas.get("i1", "default", this::load)).isNotSameAs(first);
        assertThat(loads).hasValue(2);
    }

    @Test
    void instancesAndForgottenCasAreLoadedOnTheirOwn() {
        cas.get("i1", "default", this::load);
        cas.get("i2", "default", this::load);
        cas.forget("i1", "Default");
        cas.get("i1", "default", this::load);
        assertThat(loads).hasValue(3);
    }

    @Test
    void aLoadedKeyIsABouncyCastleKeySoItsPrecomputationIsKept() {
        assertThat(cas.get("i1", "default", this::load).privateKey().getClass().getName()).startsWith("org.bouncycastle");
    }
}
