package dev.muster.server.metrics;

import dev.muster.core.instance.InstanceStore;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.UsageMeter;
import dev.muster.server.limits.ConnectionLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Prometheus view served at /metrics: {@code muster_operations_total{instance,id_scope,kind,billed}},
 * {@code muster_registration_failures_total{instance,id_scope,reason}}, the connections held and refused
 * ({@link #watchConnections}), plus the JVM's memory, GC, threads, JIT compilation time and CPU (Micrometer binders)
 * and the process's resident memory, so capacity tests and operators can watch the server without attaching to it.
 */
public final class Metrics implements AutoCloseable {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final InstanceStore instances;
    private final Map<String, String> scopes = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private volatile Runnable beforeScrape = () -> {};

    public Metrics(InstanceStore instances, UsageMeter usage) {
        this.instances = instances;
        usage.addListener(this::count);
        usage.addFailureListener(this::countFailure);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmCompilationMetrics().bindTo(registry); // JIT time: a server is warm once it stops growing
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (Files.isReadable(PROC_STATUS)) {
            Gauge.builder("process.resident.memory", Metrics::residentBytes).baseUnit("bytes")
                    .description("Resident set size of the server process (VmRSS of /proc/self/status)")
                    .register(registry);
        }
    }

    /**
     * {@code muster_connections_open} and {@code muster_connections_refused_total{reason=per_address|total}}: what
     * the TLS listeners hold and what their limits turned away.
     */
    public void watchConnections(ConnectionLimiter limiter) {
        Gauge.builder("muster.connections.open", limiter, ConnectionLimiter::open)
                .description("Connections the TLS listeners hold (counted against --max-connections)")
                .register(registry);
        for (ConnectionLimiter.Refusal reason : ConnectionLimiter.Refusal.values()) {
            FunctionCounter.builder("muster.connections.refused", limiter, l -> l.refused(reason))
                    .description("Connections closed on accept, before TLS, because a connection limit was reached")
                    .tag("reason", reason.tag()).register(registry);
        }
    }

    /**
     * {@code muster_endpoint_backlog{hub,endpoint}}: messages waiting in each custom route endpoint's outbox (dead
     * letters not counted), as the delivery loops last read them; endpoints come and go with the routes.
     */
    public void watchEndpointBacklogs(Supplier<Map<dev.muster.hub.routing.delivery.EndpointDispatcher.EndpointKey,
            Long>> backlogs) {
        MultiGauge gauge = MultiGauge.builder("muster.endpoint.backlog")
                .description("Messages waiting in a custom route endpoint's outbox").register(registry);
        beforeScrape = () -> gauge.register(backlogs.get().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("hub", e.getKey().hub(), "endpoint", e.getKey().endpoint()),
                        e.getValue()))
                .toList(), true);
    }

    /**
     * {@code muster_store_size_bytes}: what the database takes on disk ({@code -1} when it cannot be told); the
     * caller reads it off the event loop (a {@link RefreshedValue}); {@code muster bench} divides its growth by the
     * devices registered.
     */
    public void watchStoreSize(Supplier<Long> bytesOnDisk) {
        Gauge.builder("muster.store.size", () -> {
            Long bytes = bytesOnDisk.get();
            return bytes == null ? Double.NaN : bytes.doubleValue();
        }).baseUnit("bytes").description("Bytes the database takes on disk (H2's file, or pg_database_size)")
                .register(registry);
    }

    private void countFailure(String instance, String reason) {
        counters.computeIfAbsent(instance + "|failure|" + reason, k -> Counter.builder("muster.registration.failures")
                .description("Failed registration attempts by reason (counted, not billed)")
                .tag("instance", instance).tag("id_scope", scope(instance)).tag("reason", reason)
                .register(registry)).increment();
    }

    private String scope(String instance) {
        return scopes.computeIfAbsent(instance,
                i -> instances.instanceByName(i).map(p -> p.idScope()).orElse("unknown"));
    }

    private void count(String instance, OperationKind kind) {
        String scope = scope(instance);
        counters.computeIfAbsent(instance + "|" + kind, k -> Counter.builder("muster.operations")
                .description("Provisioning operations (Azure's billing unit); failed attempts are not billed")
                .tag("instance", instance).tag("id_scope", scope).tag("kind", kind.wireName())
                .tag("billed", Boolean.toString(kind.billed()))
                .register(registry)).increment();
    }

    /** VmRSS in bytes, NaN where /proc is not readable. */
    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(PROC_STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0; // always reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    public String scrape() {
        beforeScrape.run();
        expiringBeforeScrape.run();
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Removes the GC notification listeners, which would otherwise outlive this server in a shared JVM (tests). */
    @Override
    public void close() {
        gc.close();
    }

    private volatile Runnable expiringBeforeScrape = () -> {};

    /**
     * {@code muster_issued_certificates_expiring_soon{instance}}: registrations whose newest issued certificate is not
     * revoked and expires within 7 days. {@code counts} must answer from memory (it is read at every scrape).
     */
    public void watchExpiringCertificates(Supplier<Map<String, Long>> counts) {
        MultiGauge gauge = MultiGauge.builder("muster.issued.certificates.expiring.soon")
                .description("Registrations whose newest issued certificate is unrevoked and expires within 7 days")
                .register(registry);
        expiringBeforeScrape = () -> gauge.register(counts.get().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("instance", e.getKey()), e.getValue()))
                .toList(), true);
    }
}
