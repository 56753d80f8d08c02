package dev.muster.cli.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Watches the server through the operators' Prometheus listener, {@code GET /metrics} (JVM heap, GC live data, process CPU time, resident memory,
 * JIT compilation time):
 * one sample a second on a kept-alive connection, so watching costs the server one small request a second. Works
 * against a server on another machine too, unlike reading /proc.
 */
public final class ServerProbe implements AutoCloseable {
    /** One reading; NaN for what the server does not expose. */
    public record Sample(long atNanos, double cpuSeconds, double heapUsed, double heapCommitted, double liveAfterGc,
                         double rss, double jitSeconds, double storeBytes) {}

    private final HttpClient http;
    private final URI uri;
    private final String token;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Sample last;
    private volatile double maxHeapUsed = Double.NaN;
    private volatile double maxHeapCommitted = Double.NaN;
    private volatile double maxRss = Double.NaN;

    /** @param token the listener's bearer token, or null when it asks for none */
    public ServerProbe(SSLContext ssl, URI metrics, String token) {
        this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        this.uri = metrics;
        this.token = token;
        this.thread = new Thread(this::loop, "bench-server-probe");
        this.thread.setDaemon(true);
    }

    public ServerProbe start() {
        last = sample();
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            Sample s = sample();
            if (s != null) {
                last = s;
                maxHeapUsed = max(maxHeapUsed, s.heapUsed());
                maxHeapCommitted = max(maxHeapCommitted, s.heapCommitted());
                maxRss = max(maxRss, s.rss());
            }
        }
    }

    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    /** A fresh reading now, or null when /metrics cannot be read. */
    public Sample sample() {
        try {
            HttpRequest.Builder get = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
            if (token != null) {
                get.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(get.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            String t = r.body();
            double cpu = PromText.sum(t, "process_cpu_time_ns_total", null) / 1e9;
            if (Double.isNaN(cpu)) {
                cpu = PromText.sum(t, "process_cpu_seconds_total", null);
            }
            return new Sample(System.nanoTime(), cpu,
                    PromText.sum(t, "jvm_memory_used_bytes", "area=\"heap\""),
                    PromText.sum(t, "jvm_memory_committed_bytes", "area=\"heap\""),
                    PromText.sum(t, "jvm_gc_live_data_size_bytes", null),
                    PromText.sum(t, "process_resident_memory_bytes", null),
                    PromText.sum(t, "jvm_compilation_time_ms_total", null) / 1000,
                    positiveOrNaN(PromText.sum(t, "muster_store_size_bytes", null)));
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The store gauge says -1 when it cannot tell its size. */
    private static double positiveOrNaN(double v) {
        return v > 0 ? v : Double.NaN;
    }

    public Sample last() {
        return last;
    }

    public double maxHeapUsed() {
        return maxHeapUsed;
    }

    public double maxHeapCommitted() {
        return maxHeapCommitted;
    }

    public double maxRss() {
        return maxRss;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
