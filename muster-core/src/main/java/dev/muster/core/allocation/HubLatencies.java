package dev.muster.core.allocation;

import java.util.OptionalDouble;

/**
 * Round-trip time from <em>this</em> Muster node to each linked hub, for the lowest-latency ({@code geoLatency})
 * policy. The server implements it with a periodic probe of every linked hub's endpoint; tests inject fixed values.
 *
 * <p>How this maps to Azure's regional behaviour: Azure DPS runs in many regions and assigns a device to the hub
 * with the lowest latency <em>from the DPS region that served the device</em>, which is the region nearest the
 * device. Muster reproduces that by deployment rather than by a global latency map: run one Muster node per region,
 * all sharing the same store (PostgreSQL), and put them behind geo-DNS (or anycast) under the one global endpoint
 * host name, so a device reaches the node nearest to it. Each node measures its own latencies to the hubs, so
 * "lowest latency from the node that served the device" approximates "lowest latency from the device", exactly as
 * in Azure. On a single node every device sees the same latencies, so geoLatency picks the hub nearest that node
 * (and spreads devices evenly among hubs that are equally near).
 */
@FunctionalInterface
public interface HubLatencies {
    /** Nothing measured: every hub's latency is unknown, so geoLatency degenerates to hashed. */
    HubLatencies UNKNOWN = hubHost -> OptionalDouble.empty();

    /**
     * @param hubHost a linked hub's host name (compare case-insensitively)
     * @return the current round-trip estimate in milliseconds, or empty when unknown (never probed, unreachable,
     *         or the last good measurement is stale); unknown hubs sort after every known one
     */
    OptionalDouble latencyMillis(String hubHost);
}
