package dev.muster.store;

import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceClaimStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Device claims under the lower-cased hub host and the device ID as given (hub device IDs are case-sensitive). */
final class JdbcDeviceClaimStore implements DeviceClaimStore {
    private final Jdbc jdbc;

    JdbcDeviceClaimStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<DeviceClaim> deviceClaim(String hubHostName, String deviceId) {
        return jdbc.one("SELECT hub_host_name, device_id, owner_id_scope, owner_instance, claimed_at"
                + " FROM hub_device_claims WHERE hub_key = ? AND device_id = ?", JdbcDeviceClaimStore::claim,
                Documents.key(hubHostName), deviceId);
    }

    /** The primary key makes this the one conditional write: a second claimant's insert is a duplicate. */
    @Override
    public boolean insertDeviceClaim(DeviceClaim c) {
        return jdbc.insertIfAbsent("INSERT INTO hub_device_claims (hub_key, device_id, hub_host_name, owner_id_scope,"
                        + " owner_instance, claimed_at) VALUES (?, ?, ?, ?, ?, ?)",
                Documents.key(c.hubHostName()), c.deviceId(), c.hubHostName(), c.ownerIdScope(), c.ownerInstance(),
                c.claimedDateTimeUtc());
    }

    @Override
    public boolean deleteDeviceClaim(String hubHostName, String deviceId, String ownerIdScope) {
        return jdbc.update("DELETE FROM hub_device_claims WHERE hub_key = ? AND device_id = ? AND owner_id_scope = ?",
                Documents.key(hubHostName), deviceId, ownerIdScope) == 1;
    }

    private static DeviceClaim claim(ResultSet row) throws SQLException {
        return new DeviceClaim(row.getString("hub_host_name"), row.getString("device_id"),
                row.getString("owner_id_scope"), row.getString("owner_instance"), row.getString("claimed_at"));
    }
}
