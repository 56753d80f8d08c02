package dev.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsageCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:30:15.250Z");

    @Test
    void relativeSpansCountBackFromNow() {
        assertThat(UsageCommand.since("90m", NOW)).isEqualTo("2026-11-26T09:00:15Z");
        assertThat(UsageCommand.since("24h", NOW)).isEqualTo("2026-11-25T10:30:15Z");
        assertThat(UsageCommand.since("7d", NOW)).isEqualTo("2026-11-19T10:30:15Z");
    }

    @Test
    void isoTimesPassThroughAndNothingMeansTheServerDefault() {
        assertThat(UsageCommand.since("2026-11-01T00:00:00Z", NOW)).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(UsageCommand.since(null, NOW)).isNull();
    }

    @Test
    void otherTimesAreUsageErrors() {
        assertThatThrownBy(() -> UsageCommand.since("yesterday", NOW)).isInstanceOf(UsageError.class)
                .hasMessageContaining("24h");
    }
}
