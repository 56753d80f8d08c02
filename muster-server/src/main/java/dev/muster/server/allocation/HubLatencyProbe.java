package dev.muster.server.allocation;

import dev.muster.core.allocation.HubLatencies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's latency to each linked hub, for the geoLatency policy: every interval it opens (and at once closes) a
 * TCP connection to each hub's HTTPS endpoint and times the handshake, which is one network round trip and needs no
 * credentials. Name resolution is not timed. Estimates are smoothed (half the new sample, half the old); a hub that
 * cannot be reached, or was not measured for three intervals, has unknown latency and so sorts last.
 * See {@link HubLatencies} for how per-node measurements map to Azure's regional behaviour.
 */
public final class HubLatencyProbe implements HubLatencies, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HubLatencyProbe.class);
    private static final int MAX_CONNECT_MILLIS = 3000;

    /** One hub endpoint to probe. */
    public record Target(String hostName, int port) {}

    private record Estimate(double millis, long measuredAtNanos) {}

    private final Supplier<List<Target>> targets;
    private final Duration interval;
    private final Map<String, Estimate> estimates = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;

    /** @param targets the hubs to probe, asked again on every round (links change while the server runs) */
    public HubLatencyProbe(Supplier<List<Target>> targets, Duration interval) {
        this.targets = targets;
        this.interval = interval;
    }

    /** Probes at once, then every interval, on a daemon thread of its own. */
    public synchronized HubLatencyProbe start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "muster-latency-probe");
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::probeAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    @Override
    public OptionalDouble latencyMillis(String hubHost) {
        Estimate e = hubHost == null ? null : estimates.get(hubHost.toLowerCase(Locale.ROOT));
        if (e == null || System.nanoTime() - e.measuredAtNanos() > 3 * interval.toNanos()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(e.millis());
    }

    /** One round over every target; never throws (a throwing task would end the schedule). */
    public void probeAll() {
        try {
            for (Target t : targets.get()) {
                probe(t);
            }
        } catch (RuntimeException e) {
            LOG.warn("latency probe round failed: {}", e.toString());
        }
    }

    void probe(Target target) {
        String key = target.hostName().toLowerCase(Locale.ROOT);
        int connectTimeout = (int) Math.max(1, Math.min(MAX_CONNECT_MILLIS, interval.toMillis()));
        try {
            InetAddress address = InetAddress.getByName(target.hostName());
            long started = System.nanoTime();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, target.port()), connectTimeout);
                double sample = (System.nanoTime() - started) / 1_000_000.0;
                socket.setSoLinger(true, 0);
                estimates.merge(key, new Estimate(sample, System.nanoTime()), (old, now) ->
                        System.nanoTime() - old.measuredAtNanos() > 3 * interval.toNanos() ? now
                                : new Estimate((old.millis() + now.millis()) / 2, now.measuredAtNanos()));
            }
        } catch (IOException e) {
            if (estimates.remove(key) != null) {
                LOG.info("hub {}:{} no longer answers the latency probe ({}); its latency is unknown",
                        target.hostName(), target.port(), e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
