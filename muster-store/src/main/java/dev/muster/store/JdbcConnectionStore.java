package dev.muster.store;

import dev.muster.core.hub.ConnectionStore;
import dev.muster.core.hub.DeviceConnection;
import dev.muster.core.hub.HubNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Nodes' heartbeats and devices' hub connections (tables hub_nodes, hub_connections). */
final class JdbcConnectionStore implements ConnectionStore {
    /** A device-level row's module_id: the primary key cannot hold NULL. */
    private static final String NO_MODULE = "";
    private static final String SELECT = "SELECT c.hub_key, c.device_id, c.module_id, c.node_id, c.connection_id,"
            + " c.connected, c.state_updated_at, c.last_activity_at, n.heartbeat_at FROM hub_connections c"
            + " LEFT JOIN hub_nodes n ON n.node_id = c.node_id";
    /** Rows per IN list when reading a page of devices (well under every driver's parameter limit). */
    private static final int IN_CHUNK = 500;

    private final Jdbc jdbc;

    JdbcConnectionStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void heartbeat(HubNode node) {
        jdbc.upsert("UPDATE hub_nodes SET address = ?, port = ?, heartbeat_at = ? WHERE node_id = ?",
                new Object[] {node.address(), node.port(), node.heartbeatAt(), node.nodeId()},
                "INSERT INTO hub_nodes (node_id, address, port, heartbeat_at) VALUES (?, ?, ?, ?)",
                new Object[] {node.nodeId(), node.address(), node.port(), node.heartbeatAt()});
    }

    @Override
    public Optional<HubNode> node(String nodeId) {
        return jdbc.one("SELECT node_id, address, port, heartbeat_at FROM hub_nodes WHERE node_id = ?",
                row -> new HubNode(row.getString("node_id"), row.getString("address"), row.getInt("port"),
                        Jdbc.instant(row, "heartbeat_at")), nodeId);
    }

    @Override
    public int nodeStopped(String nodeId, Instant at) {
        int held = jdbc.update("UPDATE hub_connections SET connected = FALSE, state_updated_at = ?"
                + " WHERE node_id = ? AND connected = TRUE", at, nodeId);
        jdbc.update("DELETE FROM hub_nodes WHERE node_id = ?", nodeId);
        return held;
    }

    @Override
    public void connected(DeviceConnection c) {
        String module = module(c.moduleId());
        jdbc.upsert("UPDATE hub_connections SET node_id = ?, connection_id = ?, connected = TRUE, state_updated_at = ?,"
                        + " last_activity_at = ? WHERE hub_key = ? AND device_id = ? AND module_id = ?",
                new Object[] {c.nodeId(), c.connectionId(), c.stateUpdatedAt(), c.lastActivityAt(),
                        Documents.key(c.hub()), c.deviceId(), module},
                "INSERT INTO hub_connections (hub_key, device_id, module_id, node_id, connection_id, connected,"
                        + " state_updated_at, last_activity_at) VALUES (?, ?, ?, ?, ?, TRUE, ?, ?)",
                new Object[] {Documents.key(c.hub()), c.deviceId(), module, c.nodeId(), c.connectionId(),
                        c.stateUpdatedAt(), c.lastActivityAt()});
    }

    @Override
    public boolean disconnected(String hub, String deviceId, String moduleId, String connectionId, Instant at) {
        return jdbc.update("UPDATE hub_connections SET connected = FALSE, state_updated_at = ?, last_activity_at = ?"
                        + " WHERE hub_key = ? AND device_id = ? AND module_id = ? AND connection_id = ?",
                at, at, Documents.key(hub), deviceId, module(moduleId), connectionId) > 0;
    }

    @Override
    public void activity(String hub, String deviceId, String moduleId, String connectionId, Instant at) {
        jdbc.update("UPDATE hub_connections SET last_activity_at = ? WHERE hub_key = ? AND device_id = ?"
                        + " AND module_id = ? AND connection_id = ? AND (last_activity_at IS NULL OR last_activity_at < ?)",
                at, Documents.key(hub), deviceId, module(moduleId), connectionId, at);
    }

    @Override
    public Optional<DeviceConnection> connection(String hub, String deviceId, String moduleId) {
        return jdbc.one(SELECT + " WHERE c.hub_key = ? AND c.device_id = ? AND c.module_id = ?",
                JdbcConnectionStore::connection, Documents.key(hub), deviceId, module(moduleId));
    }

    @Override
    public List<DeviceConnection> deviceConnections(String hub, Collection<String> deviceIds) {
        List<String> ids = List.copyOf(deviceIds);
        List<DeviceConnection> out = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IN_CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_CHUNK));
            Object[] params = new Object[chunk.size() + 2];
            params[0] = Documents.key(hub);
            params[1] = NO_MODULE;
            for (int i = 0; i < chunk.size(); i++) {
                params[i + 2] = chunk.get(i);
            }
            out.addAll(jdbc.list(SELECT + " WHERE c.hub_key = ? AND c.module_id = ? AND c.device_id IN ("
                    + "?,".repeat(chunk.size()).substring(0, chunk.size() * 2 - 1) + ")",
                    JdbcConnectionStore::connection, params));
        }
        return out;
    }

    @Override
    public void forgetDevice(String hub, String deviceId) {
        jdbc.update("DELETE FROM hub_connections WHERE hub_key = ? AND device_id = ?", Documents.key(hub), deviceId);
    }

    private static String module(String moduleId) {
        return moduleId == null ? NO_MODULE : moduleId;
    }

    private static DeviceConnection connection(ResultSet row) throws SQLException {
        String module = row.getString("module_id");
        return new DeviceConnection(row.getString("hub_key"), row.getString("device_id"),
                module.isEmpty() ? null : module, row.getString("node_id"), row.getString("connection_id"),
                row.getBoolean("connected"), Jdbc.instant(row, "state_updated_at"),
                Jdbc.instant(row, "last_activity_at"), Jdbc.instant(row, "heartbeat_at"));
    }
}
