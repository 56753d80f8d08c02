package dev.muster.hub.routing.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static Backoff at(double random) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> random);
    }

    @Test
    void theStepDoublesFromOneSecondAndStopsAtFiveMinutes() {
        Backoff top = at(0.999999);
        assertThat(top.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(top.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(top.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(top.delay(9)).isEqualTo(Duration.ofSeconds(256));
        assertThat(top.delay(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(top.delay(1_000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void jitterDrawsFromTheUpperHalfOfTheStep() {
        assertThat(at(0.0).delay(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(at(0.5).delay(3)).isEqualTo(Duration.ofSeconds(3));
        assertThat(at(0.0).delay(50)).isEqualTo(Duration.ofSeconds(150));
        Backoff real = Backoff.standard();
        for (int i = 0; i < 1_000; i++) {
            assertThat(real.delay(4)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
        }
    }

    @Test
    void aZeroOrInvertedRangeIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
