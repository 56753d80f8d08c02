package dev.muster.core.hub;

import dev.muster.core.hub.events.EventStream;

/** A hub this server hosts: its host name and the {@code iothubowner} policy keys. */
public record BuiltInHubConfig(String hostName, String ownerKeyName, String primaryKey, String secondaryKey) {
    public static final String OWNER = "iothubowner";

    public String connectionString() {
        return "HostName=" + hostName + ";SharedAccessKeyName=" + ownerKeyName + ";SharedAccessKey=" + primaryKey;
    }

    /** @see #eventHubsCompatibleName(String) */
    public String eventHubsCompatibleName() {
        return eventHubsCompatibleName(hostName);
    }

    /** @see #eventHubsCompatibleConnectionString(String, String, String) */
    public String eventHubsCompatibleConnectionString() {
        return eventHubsCompatibleConnectionString(hostName, ownerKeyName, primaryKey);
    }

    /** The entity name of a hub's built-in events endpoint ({@link EventStream#eventHubName(String)}). */
    public static String eventHubsCompatibleName(String hostName) {
        return EventStream.eventHubName(hostName);
    }

    /**
     * What Event Hubs clients connect with to read a hub's telemetry, as IoT Hub's portal shows it:
     * {@code Endpoint=sb://{host}/;SharedAccessKeyName={policy};SharedAccessKey={key};EntityPath={name}} (the
     * endpoint is served on the hub's own host).
     */
    public static String eventHubsCompatibleConnectionString(String hostName, String keyName, String key) {
        return "Endpoint=sb://" + hostName + "/;SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key
                + ";EntityPath=" + eventHubsCompatibleName(hostName);
    }
}
