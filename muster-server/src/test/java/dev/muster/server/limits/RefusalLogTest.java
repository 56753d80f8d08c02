package dev.muster.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
    private final ConnectionLimiter limits = new ConnectionLimiter(50, 200);
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private final RefusalLog log = new RefusalLog(limits, lines::add, now::get);

    @Test
    void theFirstRefusalIsLoggedAtOnceNamingTheLimitAndItsOption() throws Exception {
        log.refused(ConnectionLimiter.Refusal.PER_ADDRESS, InetAddress.getByName("127.0.0.1"));

        assertThat(lines).singleElement().asString()
                .contains("127.0.0.1 already holds 50").contains("--max-connections-per-address");
    }

    @Test
    void aFloodOfRefusalsIsOneLinePerIntervalWithTheirCount() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < 10_000; i++) {
            log.refused(ConnectionLimiter.Refusal.PER_ADDRESS, attacker);
        }
        assertThat(lines).hasSize(1);

        now.addAndGet(RefusalLog.INTERVAL_NANOS);
        log.refused(ConnectionLimiter.Refusal.TOTAL, attacker);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("refused 10000 connections since the last such line")
                .contains("already holds 200").contains("--max-connections");
    }
}
