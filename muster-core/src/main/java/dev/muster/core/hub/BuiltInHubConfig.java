package dev.muster.core.hub;

/** A hub this server hosts: its host name and the {@code iothubowner} policy keys. */
public record BuiltInHubConfig(String hostName, String ownerKeyName, String primaryKey, String secondaryKey) {
    public static final String OWNER = "iothubowner";

    public String connectionString() {
        return "HostName=" + hostName + ";SharedAccessKeyName=" + ownerKeyName + ";SharedAccessKey=" + primaryKey;
    }
}
