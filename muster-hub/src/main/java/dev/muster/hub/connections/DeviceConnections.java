package dev.muster.hub.connections;

import dev.muster.core.Timestamps;
import dev.muster.core.hub.ConnectionStore;
import dev.muster.core.hub.DeviceConnection;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.HubNode;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.DeviceView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Connection state of devices and modules, kept in the store every node shares: a connection is recorded when it is
 * accepted and closed when it ends, with the node holding it, so the registry shows the same state on every node and
 * a direct method arriving at one node finds the node to call. This node beats its heartbeat into the store; a node
 * whose heartbeat stops (crash, cut-off) holds nothing, whatever its rows say, so a dead node's devices read
 * disconnected within {@link #LIVENESS}. All calls block on the store: call them off the event loop.
 */
public final class DeviceConnections implements DeviceView {
    public static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(5);
    /** A node silent for this long is taken for gone: four missed heartbeats. */
    public static final Duration LIVENESS = HEARTBEAT_EVERY.multipliedBy(4);
    /** Last activity is written at most this often per connection (not for every message a device sends). */
    public static final Duration ACTIVITY_EVERY = Duration.ofSeconds(30);
    private static final String DISCONNECTED = "Disconnected";
    private static final String CONNECTED = "Connected";

    private final ConnectionStore store;
    private final Clock clock;
    private final HubNode self;
    /** When each of this node's connections last had its activity written. */
    private final Map<String, Instant> activityWritten = new ConcurrentHashMap<>();
    private volatile dev.muster.hub.routing.HubEventSources eventSources = dev.muster.hub.routing.HubEventSources.NONE;

    /**
     * @param address where other nodes reach this node's HTTPS listener
     */
    public DeviceConnections(ConnectionStore store, Clock clock, String address, int port) {
        this.store = store;
        this.clock = clock;
        this.self = new HubNode(UUID.randomUUID().toString(), address, port, clock.instant());
    }

    public String nodeId() {
        return self.nodeId();
    }

    /** This node is alive: written at start and every {@link #HEARTBEAT_EVERY}. */
    public void heartbeat() {
        store.heartbeat(new HubNode(self.nodeId(), self.address(), self.port(), clock.instant()));
    }

    /** Where connection-state events go when a route takes them (none until the server wires the ingest). */
    public void reportConnectionsTo(dev.muster.hub.routing.HubEventSources sources) {
        this.eventSources = sources;
    }

    /** This node stops: what it holds reads disconnected at once rather than after {@link #LIVENESS}. */
    public void stop() {
        store.nodeStopped(self.nodeId(), clock.instant());
    }

    /** A connection was accepted; returns its ID, for {@link #disconnected} and {@link #active}. */
    public String connected(ConnectionKey key) {
        String connectionId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        store.connected(new DeviceConnection(key.hub(), key.deviceId(), key.moduleId(), self.nodeId(), connectionId,
                true, now, now, null));
        activityWritten.put(connectionId, now);
        eventSources.connectionChanged(key.hub(), key.deviceId(), key.moduleId(), true);
        return connectionId;
    }

    /** A connection ended; a connection that was replaced by a newer one leaves the newer one's state alone. */
    public void disconnected(ConnectionKey key, String connectionId) {
        activityWritten.remove(connectionId);
        // a connection a newer one replaced is not a disconnection of the device
        if (store.disconnected(key.hub(), key.deviceId(), key.moduleId(), connectionId, clock.instant())) {
            eventSources.connectionChanged(key.hub(), key.deviceId(), key.moduleId(), false);
        }
    }

    /** The device sent something; written to the store at most every {@link #ACTIVITY_EVERY}. */
    public void active(ConnectionKey key, String connectionId) {
        Instant now = clock.instant();
        Instant last = activityWritten.get(connectionId);
        if (last != null && Duration.between(last, now).compareTo(ACTIVITY_EVERY) < 0) {
            return;
        }
        activityWritten.put(connectionId, now);
        store.activity(key.hub(), key.deviceId(), key.moduleId(), connectionId, now);
    }

    /** Whether the activity of this connection is due to be written (lets callers skip a trip to the worker pool). */
    public boolean activityDue(String connectionId) {
        Instant last = activityWritten.get(connectionId);
        return last == null || Duration.between(last, clock.instant()).compareTo(ACTIVITY_EVERY) >= 0;
    }

    /** The node holding a live connection of this device or module, if any (this node included). */
    public Optional<HubNode> holder(ConnectionKey key) {
        return store.connection(key.hub(), key.deviceId(), key.moduleId())
                .filter(c -> c.connectedAt(liveSince()))
                .flatMap(c -> c.nodeId().equals(self.nodeId()) ? Optional.of(self) : store.node(c.nodeId()));
    }

    public boolean isConnected(ConnectionKey key) {
        return store.connection(key.hub(), key.deviceId(), key.moduleId()).map(c -> c.connectedAt(liveSince()))
                .orElse(false);
    }

    /** The device as the registry shows it: its stored identity with its current connection state. */
    @Override
    public HubDevice present(String hub, HubDevice device) {
        return withState(device, store.connection(hub, device.deviceId(), null).orElse(null));
    }

    /** The module as the registry shows it, with its own connection's state. */
    @Override
    public HubModule presentModule(String hub, HubModule module) {
        DeviceConnection row = store.connection(hub, module.deviceId(), module.moduleId()).orElse(null);
        if (row == null) {
            return module;
        }
        return new HubModule(module.deviceId(), module.moduleId(), module.generationId(), module.etag(),
                row.connectedAt(liveSince()) ? CONNECTED : DISCONNECTED, Timestamps.format(row.stateUpdatedAt()),
                row.lastActivityAt() == null ? module.lastActivityTime() : Timestamps.format(row.lastActivityAt()),
                module.cloudToDeviceMessageCount(), module.authentication(), module.managedBy());
    }

    /** {@link #present} for a page of devices, in one read. */
    @Override
    public List<HubDevice> presentAll(String hub, List<HubDevice> devices) {
        Map<String, DeviceConnection> rows = store.deviceConnections(hub,
                        devices.stream().map(HubDevice::deviceId).toList()).stream()
                .collect(Collectors.toMap(DeviceConnection::deviceId, Function.identity(), (a, b) -> a));
        return devices.stream().map(d -> withState(d, rows.get(d.deviceId()))).toList();
    }

    /** A device deleted from the registry leaves no connection rows behind for a device re-created later. */
    public void forgetDevice(String hub, String deviceId) {
        store.forgetDevice(hub, deviceId);
    }

    private HubDevice withState(HubDevice device, DeviceConnection row) {
        if (row == null) {
            return device;
        }
        String state = row.connectedAt(liveSince()) ? CONNECTED : DISCONNECTED;
        String lastActivity = row.lastActivityAt() == null ? device.lastActivityTime()
                : Timestamps.format(row.lastActivityAt());
        return device.withConnection(state, Timestamps.format(row.stateUpdatedAt()), lastActivity);
    }

    private Instant liveSince() {
        return clock.instant().minus(LIVENESS);
    }
}
