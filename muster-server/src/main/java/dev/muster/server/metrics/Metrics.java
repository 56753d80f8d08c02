package dev.muster.server.metrics;

import dev.muster.core.instance.InstanceStore;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.UsageMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Prometheus view of operations: {@code muster_operations_total{id_scope,kind,billed}}, served at /metrics. */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final InstanceStore instances;
    private final Map<String, String> scopes = new ConcurrentHashMap<>();

    public Metrics(InstanceStore instances, UsageMeter usage) {
        this.instances = instances;
        usage.addListener(this::count);
    }

    private void count(String instance, OperationKind kind) {
        String scope = scopes.computeIfAbsent(instance,
                i -> instances.instanceByName(i).map(p -> p.idScope()).orElse("unknown"));
        counters.computeIfAbsent(instance + "|" + kind, k -> Counter.builder("muster.operations")
                .description("Provisioning operations (Azure's billing unit); failed attempts are not billed")
                .tag("instance", instance).tag("id_scope", scope).tag("kind", kind.wireName())
                .tag("billed", Boolean.toString(kind.billed()))
                .register(registry)).increment();
    }

    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
