package dev.muster.store;

import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.LinkedHubStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/** The hubs each instance may assign devices to, one per host name (compared case-insensitively). */
final class JdbcLinkedHubStore implements LinkedHubStore {
    private final Jdbc jdbc;
    private final SecretBox box;

    /** Connection strings carry the hub's key: sealed. */
    JdbcLinkedHubStore(Jdbc jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    @Override
    public List<LinkedHub> linkedHubs(String instance) {
        return jdbc.list("SELECT host_name, connection_string, allocation_weight, apply_allocation_policy"
                + " FROM linked_hubs WHERE instance = ? ORDER BY host_name_key", this::hub, instance);
    }

    @Override
    public void saveLinkedHub(String instance, LinkedHub hub) {
        String key = Documents.key(Objects.requireNonNull(hub.hostName(), "hostName"));
        jdbc.upsert("UPDATE linked_hubs SET host_name = ?, connection_string = ?, allocation_weight = ?,"
                        + " apply_allocation_policy = ? WHERE instance = ? AND host_name_key = ?",
                new Object[] {hub.hostName(), box.seal(hub.connectionString()), hub.allocationWeight(),
                        hub.applyAllocationPolicy(),
                        instance, key},
                "INSERT INTO linked_hubs (instance, host_name_key, host_name, connection_string, allocation_weight,"
                        + " apply_allocation_policy) VALUES (?, ?, ?, ?, ?, ?)",
                new Object[] {instance, key, hub.hostName(), box.seal(hub.connectionString()), hub.allocationWeight(),
                        hub.applyAllocationPolicy()});
    }

    @Override
    public boolean removeLinkedHub(String instance, String hostName) {
        return jdbc.update("DELETE FROM linked_hubs WHERE instance = ? AND host_name_key = ?",
                instance, Documents.key(hostName)) == 1;
    }

    private LinkedHub hub(ResultSet row) throws SQLException {
        return new LinkedHub(row.getString("host_name"), box.open(row.getString("connection_string")),
                row.getInt("allocation_weight"), row.getBoolean("apply_allocation_policy"));
    }
}
