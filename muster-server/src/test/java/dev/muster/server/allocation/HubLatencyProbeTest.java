package dev.muster.server.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubLatencyProbeTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private int listening() throws Exception {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(s);
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket ignored = s.accept()) {
                    // accept and drop
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return s.getLocalPort();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void measuresReachableHubsAndLeavesUnreachableOnesUnknown() throws Exception {
        int up = listening();
        int down = closedPort();
        List<HubLatencyProbe.Target> targets = new CopyOnWriteArrayList<>(List.of(
                new HubLatencyProbe.Target("127.0.0.1", up), new HubLatencyProbe.Target("localhost", down)));
        HubLatencyProbe probe = new HubLatencyProbe(() -> targets, Duration.ofSeconds(30));

        assertThat(probe.latencyMillis("127.0.0.1")).as("before any probe").isEmpty();
        probe.probeAll();

        assertThat(probe.latencyMillis("127.0.0.1")).isPresent();
        assertThat(probe.latencyMillis("127.0.0.1").getAsDouble()).isBetween(0.0, 1000.0);
        assertThat(probe.latencyMillis("LOCALHOST")).isEmpty();
        assertThat(probe.latencyMillis("never.probed.example")).isEmpty();
    }

    @Test
    void aHubThatStopsAnsweringBecomesUnknown() throws Exception {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int port = s.getLocalPort();
        HubLatencyProbe probe = new HubLatencyProbe(() -> List.of(new HubLatencyProbe.Target("127.0.0.1", port)),
                Duration.ofSeconds(30));
        probe.probeAll();
        assertThat(probe.latencyMillis("127.0.0.1")).isPresent();

        s.close();
        probe.probeAll();

        assertThat(probe.latencyMillis("127.0.0.1")).isEmpty();
    }

    @Test
    void startsProbingInTheBackgroundAndStopsOnClose() throws Exception {
        int up = listening();
        try (HubLatencyProbe probe = new HubLatencyProbe(() -> List.of(new HubLatencyProbe.Target("127.0.0.1", up)),
                Duration.ofMillis(200)).start()) {
            long deadline = System.currentTimeMillis() + 5000;
            while (probe.latencyMillis("127.0.0.1").isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(probe.latencyMillis("127.0.0.1")).isPresent();
        }
    }

    @Test
    void aFailingTargetListDoesNotStopTheProbe() {
        HubLatencyProbe probe = new HubLatencyProbe(() -> {
            throw new IllegalStateException("store down");
        }, Duration.ofSeconds(30));

        probe.probeAll();   // logs, does not throw
    }
}
