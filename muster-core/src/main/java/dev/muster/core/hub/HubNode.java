package dev.muster.core.hub;

import java.time.Instant;

/**
 * One running node of a deployment, as the others see it: where its hub API answers node-to-node calls (a direct
 * method for a device connected there) and when it last said it was alive. A node whose heartbeat is older than the
 * liveness window holds no connections, whatever its rows say (it crashed or was cut off).
 *
 * @param address the address other nodes reach its HTTPS listener at (an IP literal or a host name)
 */
public record HubNode(String nodeId, String address, int port, Instant heartbeatAt) {}
