package dev.muster.cli;

import dev.muster.core.sas.ConnectionString;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which hub a {@code muster hub …} command talks to: a built-in hub of the local Muster (its connection string read
 * from connection-info.json), or any hub by the connection string of its service policy.
 */
final class HubTarget {
    @Mixin Target target;
    @Option(names = "--hub", description = "Hub host name (default: the first built-in hub in connection-info.json).")
    String hub;
    @Option(names = "--hub-connection-string", description = "Connection string of the hub's iothubowner policy.")
    String hubConnectionString;

    ConnectionString connectionString() {
        String text = hubConnectionString != null ? hubConnectionString : fromInfo();
        try {
            return ConnectionString.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageError("Invalid hub connection string: " + e.getMessage());
        }
    }

    ApiClient rest() {
        return ApiClient.hub(connectionString(), target.httpsPort(), target.ssl());
    }

    /** The AMQP port of the local Muster (5671 unless it was started with another). */
    int amqpPort() {
        return target.local() ? target.connectionInfo().path("ports").path("amqp").asInt(5671) : 5671;
    }

    private String fromInfo() {
        if (!target.local()) {
            throw new UsageError("No local Muster here (connection-info.json): pass --hub-connection-string.");
        }
        for (var h : target.connectionInfo().path("hubs")) {
            if (hub == null || h.path("hostName").asText().equalsIgnoreCase(hub)) {
                return h.path("connectionString").asText();
            }
        }
        throw new UsageError("No built-in hub " + hub + " in connection-info.json; pass --hub-connection-string.");
    }
}
