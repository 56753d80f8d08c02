package dev.muster.hub.routing.delivery;

import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.KafkaEndpoint;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.core.hub.routing.WebhookEndpoint;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers every hub's custom endpoints from the shared outbox: one {@link EndpointWorker} per endpoint, started,
 * restarted (when its settings change) and stopped as the {@link EndpointSource} says. Every node runs one; they
 * share the work through the outbox's locks, and a node that dies leaves its locked entries to the others once the
 * locks run out.
 */
public final class EndpointDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointDispatcher.class);

    /** Identifies an endpoint across hubs; the hub as its case-insensitive key. */
    public record EndpointKey(String hub, String endpoint) {
        public static EndpointKey of(String hub, String endpoint) {
            return new EndpointKey(hub.toLowerCase(Locale.ROOT), endpoint);
        }
    }

    private record Running(RouteEndpoint settings, EndpointWorker worker) {}

    private final EndpointOutbox outbox;
    private final EndpointSource source;
    private final DispatcherOptions options;
    private final ScheduledExecutorService executor;
    private final HttpClient http;
    private final Map<EndpointKey, Running> running = new HashMap<>();
    private boolean closed;

    public EndpointDispatcher(EndpointOutbox outbox, EndpointSource source, DispatcherOptions options) {
        this.outbox = outbox;
        this.source = source;
        this.options = options;
        this.executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "muster-endpoint-delivery");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(options.webhookTimeout())
                .sslContext(WebhookTrust.sslContext(options.webhookCaPem())).build();
    }

    /** Reads the endpoint set now, then again every {@link DispatcherOptions#refresh()}. */
    public EndpointDispatcher start() {
        executor.scheduleWithFixedDelay(this::refreshQuietly, 0, options.refresh().toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The routing configuration changed: reconcile the workers with it now. */
    public synchronized void refresh() {
        if (closed) {
            return;
        }
        Map<EndpointKey, RouteEndpoint> wanted = new LinkedHashMap<>();
        source.customEndpoints().forEach((hub, endpoints) -> {
            for (RouteEndpoint e : endpoints) {
                wanted.put(EndpointKey.of(hub, e.name()), e);
            }
        });
        running.entrySet().removeIf(r -> {
            RouteEndpoint now = wanted.get(r.getKey());
            if (now != null && now.equals(r.getValue().settings())) {
                return false;
            }
            r.getValue().worker().close();
            LOG.info("endpoint {} of {}: delivery stopped{}", r.getKey().endpoint(), r.getKey().hub(),
                    now == null ? "" : " to restart with new settings");
            return true;
        });
        wanted.forEach((key, settings) -> running.computeIfAbsent(key, k -> {
            EndpointWorker worker = new EndpointWorker(k.hub(), k.endpoint(), sender(settings), outbox, options,
                    executor);
            worker.start();
            LOG.info("endpoint {} of {}: delivery started", k.endpoint(), k.hub());
            return new Running(settings, worker);
        }));
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("cannot read the routing endpoints ({}); keeping the current ones", e.getMessage());
        }
    }

    private EndpointSender sender(RouteEndpoint settings) {
        if (settings instanceof WebhookEndpoint w) {
            return new WebhookSender(http, w, options.webhookTimeout(), options.webhookBatch());
        }
        return new KafkaSender((KafkaEndpoint) settings, options.kafkaBatch());
    }

    /** Messages just enqueued for this endpoint on this node: its worker looks now instead of at its next poll. */
    public synchronized void wake(String hub, String endpoint) {
        Running r = running.get(EndpointKey.of(hub, endpoint));
        if (r != null) {
            r.worker().wake();
        }
    }

    /** The outbox with a wake-up after every enqueue: what this node's ingest path should enqueue through. */
    public EndpointOutbox waking(EndpointOutbox store) {
        return new WakingOutbox(store, this::wake);
    }

    /** Entries waiting per running endpoint (each at most a second old): the {@code /metrics} backlog gauges. */
    public synchronized Map<EndpointKey, Long> backlogs() {
        Map<EndpointKey, Long> out = new LinkedHashMap<>();
        running.forEach((k, r) -> out.put(k, r.worker().backlog()));
        return out;
    }

    public synchronized List<EndpointKey> endpoints() {
        return List.copyOf(running.keySet());
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            running.values().forEach(r -> r.worker().close());
            running.clear();
        }
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
