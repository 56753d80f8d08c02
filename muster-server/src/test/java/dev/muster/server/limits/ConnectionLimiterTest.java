package dev.muster.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    private static final InetAddress ATTACKER = address("127.0.0.1");
    private static final InetAddress DEVICE = address("127.0.0.2");

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oneAddressIsRefusedPastItsLimitWhileAnotherIsStillAdmitted() {
        ConnectionLimiter limiter = new ConnectionLimiter(3, 10);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit(ATTACKER)).isNull();
        }

        assertThat(limiter.admit(ATTACKER)).isEqualTo(ConnectionLimiter.Refusal.PER_ADDRESS);
        assertThat(limiter.admit(DEVICE)).isNull();
        assertThat(limiter.openFrom(ATTACKER)).isEqualTo(3);
        assertThat(limiter.open()).isEqualTo(4);
        assertThat(limiter.refused(ConnectionLimiter.Refusal.PER_ADDRESS)).isEqualTo(1);
    }

    @Test
    void theTotalLimitRefusesEveryAddressOnceReached() {
        ConnectionLimiter limiter = new ConnectionLimiter(2, 3);
        limiter.admit(ATTACKER);
        limiter.admit(ATTACKER);
        limiter.admit(DEVICE);

        assertThat(limiter.admit(address("127.0.0.3"))).isEqualTo(ConnectionLimiter.Refusal.TOTAL);
        assertThat(limiter.refused(ConnectionLimiter.Refusal.TOTAL)).isEqualTo(1);
        assertThat(limiter.open()).as("a refusal holds nothing").isEqualTo(3);
    }

    @Test
    void aClosedConnectionMakesRoomForAnother() {
        ConnectionLimiter limiter = new ConnectionLimiter(1, 1);
        limiter.admit(ATTACKER);

        limiter.release(ATTACKER);

        assertThat(limiter.open()).isZero();
        assertThat(limiter.openFrom(ATTACKER)).isZero();
        assertThat(limiter.admit(DEVICE)).isNull();
    }

    @Test
    void releasingAnAddressThatHoldsNothingChangesNothing() {
        ConnectionLimiter limiter = new ConnectionLimiter(1, 2);
        limiter.admit(DEVICE);

        limiter.release(ATTACKER);

        assertThat(limiter.open()).isEqualTo(1);
        assertThat(limiter.openFrom(DEVICE)).isEqualTo(1);
    }
}
