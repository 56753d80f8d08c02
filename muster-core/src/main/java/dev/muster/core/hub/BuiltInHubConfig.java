package dev.muster.core.hub;

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

    /**
     * The entity name of a hub's built-in events endpoint: as on Azure, the hub's name (the first label of its host
     * name, {@code myhub} for {@code myhub.azure-devices.net}); a hub addressed by an IP literal has no such label,
     * so its whole host is the name.
     */
    public static String eventHubsCompatibleName(String hostName) {
        String h = hostName.toLowerCase(java.util.Locale.ROOT);
        boolean ipLiteral = h.contains(":") || h.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        int dot = h.indexOf('.');
        return ipLiteral || dot < 0 ? h : h.substring(0, dot);
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
