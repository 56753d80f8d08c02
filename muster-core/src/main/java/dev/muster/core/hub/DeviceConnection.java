package dev.muster.core.hub;

import java.time.Instant;

/**
 * The last known connection of a device or module to a built-in hub: which node holds it (or held it) and since when.
 * There is at most one per device or module: a newer connection, on any node, takes the row over, and only the
 * connection that holds the row can mark it disconnected, so a late disconnect of a replaced connection changes
 * nothing.
 *
 * @param moduleId null for the device itself
 * @param connectionId random per connection, so a replaced connection's disconnect is recognised
 * @param nodeHeartbeatAt when the holding node was last alive (null if it is gone); read with the row
 */
public record DeviceConnection(String hub, String deviceId, String moduleId, String nodeId, String connectionId,
                               boolean connected, Instant stateUpdatedAt, Instant lastActivityAt,
                               Instant nodeHeartbeatAt) {

    /** Connected now: the row says so and its node was alive within {@code liveSince}. */
    public boolean connectedAt(Instant liveSince) {
        return connected && nodeHeartbeatAt != null && !nodeHeartbeatAt.isBefore(liveSince);
    }
}
