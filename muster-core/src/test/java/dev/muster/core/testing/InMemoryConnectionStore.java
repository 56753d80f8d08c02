package dev.muster.core.testing;

import dev.muster.core.hub.ConnectionStore;
import dev.muster.core.hub.DeviceConnection;
import dev.muster.core.hub.HubNode;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ConnectionStore} in memory, with the JDBC store's rules (tested against the same expectations). */
public final class InMemoryConnectionStore implements ConnectionStore {
    private final Map<String, HubNode> nodes = new ConcurrentHashMap<>();
    private final Map<String, DeviceConnection> rows = new ConcurrentHashMap<>();

    private static String key(String hub, String deviceId, String moduleId) {
        return hub.toLowerCase(Locale.ROOT) + "|" + deviceId + "|" + (moduleId == null ? "" : moduleId);
    }

    @Override
    public void heartbeat(HubNode node) {
        nodes.put(node.nodeId(), node);
    }

    @Override
    public Optional<HubNode> node(String nodeId) {
        return Optional.ofNullable(nodes.get(nodeId));
    }

    @Override
    public synchronized int nodeStopped(String nodeId, Instant at) {
        int held = 0;
        for (Map.Entry<String, DeviceConnection> e : rows.entrySet()) {
            DeviceConnection c = e.getValue();
            if (c.connected() && c.nodeId().equals(nodeId)) {
                e.setValue(copy(c, c.connectionId(), false, at, c.lastActivityAt()));
                held++;
            }
        }
        nodes.remove(nodeId);
        return held;
    }

    @Override
    public synchronized void connected(DeviceConnection c) {
        rows.put(key(c.hub(), c.deviceId(), c.moduleId()), new DeviceConnection(c.hub().toLowerCase(Locale.ROOT),
                c.deviceId(), c.moduleId(), c.nodeId(), c.connectionId(), true, c.stateUpdatedAt(), c.lastActivityAt(),
                null));
    }

    @Override
    public synchronized boolean disconnected(String hub, String deviceId, String moduleId, String connectionId,
                                             Instant at) {
        String k = key(hub, deviceId, moduleId);
        DeviceConnection c = rows.get(k);
        if (c == null || !c.connectionId().equals(connectionId)) {
            return false;
        }
        rows.put(k, copy(c, connectionId, false, at, at));
        return true;
    }

    @Override
    public synchronized void activity(String hub, String deviceId, String moduleId, String connectionId, Instant at) {
        String k = key(hub, deviceId, moduleId);
        DeviceConnection c = rows.get(k);
        if (c != null && c.connectionId().equals(connectionId)
                && (c.lastActivityAt() == null || c.lastActivityAt().isBefore(at))) {
            rows.put(k, copy(c, connectionId, c.connected(), c.stateUpdatedAt(), at));
        }
    }

    @Override
    public Optional<DeviceConnection> connection(String hub, String deviceId, String moduleId) {
        return Optional.ofNullable(rows.get(key(hub, deviceId, moduleId))).map(this::withHeartbeat);
    }

    @Override
    public List<DeviceConnection> deviceConnections(String hub, Collection<String> deviceIds) {
        return deviceIds.stream().map(id -> rows.get(key(hub, id, null))).filter(java.util.Objects::nonNull)
                .map(this::withHeartbeat).toList();
    }

    @Override
    public synchronized void forgetDevice(String hub, String deviceId) {
        String prefix = key(hub, deviceId, null);
        // "hub|device|" starts the device's own key and every one of its modules'
        rows.keySet().removeIf(k -> k.startsWith(prefix));
    }

    private DeviceConnection withHeartbeat(DeviceConnection c) {
        HubNode n = nodes.get(c.nodeId());
        return new DeviceConnection(c.hub(), c.deviceId(), c.moduleId(), c.nodeId(), c.connectionId(), c.connected(),
                c.stateUpdatedAt(), c.lastActivityAt(), n == null ? null : n.heartbeatAt());
    }

    private static DeviceConnection copy(DeviceConnection c, String connectionId, boolean connected, Instant stateAt,
                                         Instant activityAt) {
        return new DeviceConnection(c.hub(), c.deviceId(), c.moduleId(), c.nodeId(), connectionId, connected, stateAt,
                activityAt, null);
    }
}
