package dev.muster.core.hub.events;

import java.time.Instant;

/**
 * How a hub's event stream is laid out: fixed when the hub's stream is created (as an Event Hub's partition count).
 *
 * @param createdAt reported to Event Hubs clients as the hub's creation time
 */
public record EventStream(String hub, int partitionCount, Instant createdAt) {
    public static final int DEFAULT_PARTITIONS = 4;

    /**
     * The Event Hub name consumers put in {@code EntityPath}: the hub's name, which is the first label of its host
     * name as on Azure ({@code myhub} for {@code myhub.azure-devices.net}); a hub addressed by an IP literal is named
     * by the whole address. Lower case, as hub names are.
     */
    public static String eventHubName(String hubHost) {
        String host = hubHost.toLowerCase(java.util.Locale.ROOT);
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return host;
        }
        int dot = host.indexOf('.');
        return dot < 0 ? host : host.substring(0, dot);
    }

    public String eventHubName() {
        return eventHubName(hub);
    }

    public EventStream {
        if (partitionCount < 1 || partitionCount > 32) {
            throw new IllegalArgumentException("A hub's event stream has 1 to 32 partitions, not " + partitionCount);
        }
    }
}
