package dev.muster.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionCeilingTest {
    @Test
    void aLowFileLimitLowersTheTotalSoBridgedConnectionsCannotExhaustIt() {
        int cap = ConnectionCeiling.cap(50_000, 20_000);

        assertThat(cap).isEqualTo((20_000 - 1024) / 3);
        assertThat((long) cap * ConnectionCeiling.PER_CONNECTION + ConnectionCeiling.RESERVED).isLessThanOrEqualTo(20_000);
    }

    @Test
    void aHighFileLimitKeepsTheConfiguredTotal() {
        assertThat(ConnectionCeiling.cap(50_000, 1_048_576)).isEqualTo(50_000);
    }

    @Test
    void anUnknownFileLimitKeepsTheConfiguredTotal() {
        assertThat(ConnectionCeiling.cap(50_000, -1)).isEqualTo(50_000);
    }

    @Test
    void aFileLimitBelowTheReserveStillAdmitsOneConnection() {
        assertThat(ConnectionCeiling.cap(50_000, 256)).isEqualTo(1);
    }
}
