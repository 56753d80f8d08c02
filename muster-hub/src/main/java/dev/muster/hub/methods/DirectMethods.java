package dev.muster.hub.methods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.muster.core.Json;
import dev.muster.core.hub.HubNode;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.connections.DeviceConnections;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct methods (IoT Hub's "invoke device method") for devices and modules the registry has (the caller checks): a call is sent through this node's connection of the device or
 * module when it has one, or handed to the node holding it; with neither, it waits up to its connect time-out for the
 * device to come (404103 DeviceNotOnline after that). Once sent, the device has the response time-out to answer
 * (504101 GatewayTimeout after that). Answers are matched to calls by request ID and by the connection they came
 * from, so a device cannot answer another's call.
 */
public final class DirectMethods implements AutoCloseable {
    /** How often a call waiting for its device looks for it again: here, then in the store (other nodes). */
    static final Duration LOCAL_RETRY = Duration.ofMillis(200);
    static final Duration REMOTE_RETRY = Duration.ofSeconds(1);

    /**
     * @param blocking where store look-ups of a waiting call run (they block)
     */
    public record Options(DeviceConnections connections, MethodForwarder forwarder, Executor blocking) {}

    private record Pending(ConnectionKey target, CompletableFuture<MethodResult> result) {}

    private final Options options;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "direct-method-timers");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final List<MethodChannels> transports = new CopyOnWriteArrayList<>();

    public DirectMethods(Options options) {
        this.options = options;
    }

    /** A transport of this node whose connections take methods (MQTT, AMQP) announces itself. */
    public void addTransport(MethodChannels channels) {
        transports.add(channels);
    }

    /**
     * Invokes a method; the future completes with the device's answer or fails with a {@link HubError}.
     *
     * @param mayForward false for a call another node forwarded here (it is not sent on again)
     */
    public CompletableFuture<MethodResult> invoke(ConnectionKey target, MethodCall call, boolean mayForward) {
        CompletableFuture<MethodResult> result = new CompletableFuture<>();
        long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(call.connectTimeoutSeconds());
        attempt(target, call, mayForward, connectDeadline, 0, result);
        return result;
    }

    /** How many calls wait for their device's answer on this node. */
    public int pendingCount() {
        return pending.size();
    }

    private void attempt(ConnectionKey target, MethodCall call, boolean mayForward, long connectDeadline, long tries,
                         CompletableFuture<MethodResult> result) {
        Optional<MethodChannel> channel = localChannel(target);
        if (channel.isPresent()) {
            send(target, call, channel.get(), result);
            return;
        }
        boolean lookElsewhere = mayForward && tries % (REMOTE_RETRY.toMillis() / LOCAL_RETRY.toMillis()) == 0;
        if (lookElsewhere) {
            Optional<HubNode> holder;
            try {
                holder = options.connections().holder(target)
                        .filter(n -> !n.nodeId().equals(options.connections().nodeId()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            if (holder.isPresent()) {
                options.forwarder().forward(holder.get(), target, call).whenComplete((r, e) -> {
                    if (e == null) {
                        result.complete(r);
                    } else {
                        result.completeExceptionally(e instanceof java.util.concurrent.CompletionException
                                && e.getCause() != null ? e.getCause() : e);
                    }
                });
                return;
            }
        }
        if (System.nanoTime() - connectDeadline >= 0) {
            result.completeExceptionally(new HubError(HubErrorCode.DEVICE_NOT_ONLINE,
                    "Timed out waiting for device to connect.", Map.of("timeout", span(call.connectTimeoutSeconds()))));
            return;
        }
        timers.schedule(() -> options.blocking().execute(
                        () -> attempt(target, call, mayForward, connectDeadline, tries + 1, result)),
                LOCAL_RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Optional<MethodChannel> localChannel(ConnectionKey target) {
        for (MethodChannels t : transports) {
            Optional<MethodChannel> c = t.channel(target);
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    private void send(ConnectionKey target, MethodCall call, MethodChannel channel,
                      CompletableFuture<MethodResult> result) {
        String requestId = Long.toString(requestIds.incrementAndGet());
        pending.put(requestId, new Pending(target, result));
        ScheduledFuture<?> timeout = timers.schedule(() -> {
            if (pending.remove(requestId) != null) {
                result.completeExceptionally(new HubError(HubErrorCode.GATEWAY_TIMEOUT,
                        "Timed out waiting for the response from device.",
                        Map.of("timeout", span(call.responseTimeoutSeconds()))));
            }
        }, call.responseTimeoutSeconds(), TimeUnit.SECONDS);
        result.whenComplete((r, e) -> timeout.cancel(false));
        try {
            channel.send(requestId, call.methodName(), call.payloadBytes());
        } catch (RuntimeException e) {
            pending.remove(requestId);
            result.completeExceptionally(e);
        }
    }

    /**
     * A device's answer arrived on the connection of {@code from}.
     *
     * @return false if no call of that connection waits for this request ID (late, or someone else's)
     */
    public boolean answered(ConnectionKey from, String requestId, int status, byte[] body) {
        Pending p = pending.get(requestId);
        if (p == null || !p.target().equals(from) || !pending.remove(requestId, p)) {
            return false;
        }
        JsonNode payload;
        try {
            String text = new String(body, StandardCharsets.UTF_8);
            payload = text.isBlank() ? NullNode.getInstance() : Json.tree(text);
        } catch (RuntimeException notJson) {
            p.result().completeExceptionally(new HubError(HubErrorCode.BAD_DEVICE_RESPONSE,
                    "The device answered the method with a payload that is not JSON."));
            return true;
        }
        if (body.length > MethodCall.MAX_PAYLOAD_BYTES) {
            p.result().completeExceptionally(new HubError(HubErrorCode.BAD_DEVICE_RESPONSE,
                    "The device answered the method with a payload larger than 128 KB."));
            return true;
        }
        p.result().complete(new MethodResult(status, payload));
        return true;
    }

    /** IoT Hub writes time-outs as .NET time spans: {@code 00:00:30}. */
    static String span(int seconds) {
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
