package dev.muster.server.hub;

import dev.muster.core.hub.ConnectionStore;
import dev.muster.hub.LiveDevices;
import dev.muster.hub.connections.DeviceConnections;
import dev.muster.hub.http.NodeMethodForwarder;
import dev.muster.hub.methods.DirectMethods;
import dev.muster.hub.methods.NodeCallSignature;
import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the deployment's live view of devices: its heartbeat in the shared store (every
 * {@link DeviceConnections#HEARTBEAT_EVERY}), the connection state its transports record, and direct methods handed
 * between nodes. Started before the listeners, stopped after them, so a stopping node's devices read disconnected at
 * once.
 */
public final class LiveDevicesService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveDevicesService.class);

    /** What the service needs from the node. */
    public record Options(Vertx vertx, Blocking blocking, ConnectionStore store, Clock clock, String nodeAddress,
                          int httpsPort, byte[] nodeCallKey) {}

    private final Vertx vertx;
    private final LiveDevices live;
    private final NodeCallSignature nodeCalls;
    private final long heartbeatTimer;

    private LiveDevicesService(Vertx vertx, LiveDevices live, NodeCallSignature nodeCalls, long heartbeatTimer) {
        this.vertx = vertx;
        this.live = live;
        this.nodeCalls = nodeCalls;
        this.heartbeatTimer = heartbeatTimer;
    }

    /** Beats the first heartbeat (blocking: the node is starting) and schedules the rest. */
    public static LiveDevicesService start(Options o) {
        DeviceConnections connections = new DeviceConnections(o.store(), o.clock(), o.nodeAddress(), o.httpsPort());
        connections.heartbeat();
        NodeCallSignature nodeCalls = new NodeCallSignature(o.nodeCallKey(), o.clock());
        DirectMethods methods = new DirectMethods(new DirectMethods.Options(connections,
                new NodeMethodForwarder(o.vertx(), nodeCalls),
                work -> o.blocking().run(() -> {
                    work.run();
                    return null;
                })));
        long timer = o.vertx().setPeriodic(DeviceConnections.HEARTBEAT_EVERY.toMillis(), id -> o.blocking().run(() -> {
            connections.heartbeat();
            return null;
        }).onFailure(e -> LOG.warn("could not write this node's heartbeat: {}", e.toString())));
        return new LiveDevicesService(o.vertx(), new LiveDevices(connections, methods), nodeCalls, timer);
    }

    public LiveDevices live() {
        return live;
    }

    public NodeCallSignature nodeCalls() {
        return nodeCalls;
    }

    @Override
    public void close() {
        vertx.cancelTimer(heartbeatTimer);
        live.methods().close();
        try {
            live.connections().stop();
        } catch (RuntimeException e) {
            LOG.warn("could not mark this node's device connections closed: {}", e.toString());
        }
    }
}
