package dev.muster.server;

import java.util.List;

/**
 * {@code DATA_DIR/connection-info.json}: what scripts, tests and the CLI need to reach a running Muster.
 * Written once every listener is up. {@code metrics} is the operators' Prometheus URL, null when it is off.
 */
public record ConnectionInfo(String idScope, String globalEndpoint, String serviceConnectionString,
                             String caCertificate, List<Hub> hubs, Ports ports, String dataDir, String metrics) {
    /**
     * A built-in hub: its iothubowner connection string, and what Event Hubs clients read its telemetry with (the
     * built-in events endpoint's entity name and connection string, the same policy's key).
     */
    public record Hub(String hostName, String connectionString, String eventHubsCompatibleName,
                      String eventHubsCompatibleConnectionString) {
        public static Hub of(dev.muster.core.hub.BuiltInHubConfig h) {
            return new Hub(h.hostName(), h.connectionString(), h.eventHubsCompatibleName(),
                    h.eventHubsCompatibleConnectionString());
        }
    }

    /** Listening ports; {@code amqp} is DPS over AMQP/TLS (absent, 0, in files written before it existed). */
    public record Ports(int https, int mqtt, int amqp) {}
}
