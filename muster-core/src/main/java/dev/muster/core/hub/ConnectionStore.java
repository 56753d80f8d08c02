package dev.muster.core.hub;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Which node holds each device's and module's hub connection, and the nodes' heartbeats: shared by every node of a
 * deployment, so connection state reads the same everywhere and a direct method finds the node to call.
 */
public interface ConnectionStore {
    /** Creates or refreshes a node's row. */
    void heartbeat(HubNode node);

    Optional<HubNode> node(String nodeId);

    /**
     * A node stopping: every connection it holds becomes disconnected at {@code at}, and its row goes.
     *
     * @return how many connections it held
     */
    int nodeStopped(String nodeId, Instant at);

    /** Records a new connection; it replaces whatever the row held (a newer connection always wins). */
    void connected(DeviceConnection connection);

    /**
     * Marks the connection disconnected, only if the row still holds {@code connectionId}.
     *
     * @return false if a newer connection had taken the row over (it stays connected)
     */
    boolean disconnected(String hub, String deviceId, String moduleId, String connectionId, Instant at);

    /** Moves last activity forward for the connection holding the row. */
    void activity(String hub, String deviceId, String moduleId, String connectionId, Instant at);

    Optional<DeviceConnection> connection(String hub, String deviceId, String moduleId);

    /** The rows of these devices (not their modules), for a page of the registry in one read. */
    List<DeviceConnection> deviceConnections(String hub, Collection<String> deviceIds);

    /** Forgets a device's and its modules' rows (the device was deleted). */
    void forgetDevice(String hub, String deviceId);
}
