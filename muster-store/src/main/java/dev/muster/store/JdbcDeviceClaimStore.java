package dev.muster.store;

import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceClaimStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Device claims under the lower-cased hub host and the device ID as given (hub device IDs are case-sensitive). */
final class JdbcDeviceClaimStore implements DeviceClaimStore {
    private static final String COLUMNS = "SELECT hub_key, hub_host_name, device_id, owner_id_scope, owner_instance,"
            + " registration_key, claimed_at FROM hub_device_claims";

    private final Jdbc jdbc;

    JdbcDeviceClaimStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<DeviceClaim> deviceClaim(String hubHostName, String deviceId) {
        return jdbc.one(COLUMNS + " WHERE hub_key = ? AND device_id = ?", JdbcDeviceClaimStore::claim,
                Documents.key(hubHostName), deviceId);
    }

    /** The primary key makes this the one conditional write: a second claimant's insert is a duplicate. */
    @Override
    public boolean insertDeviceClaim(DeviceClaim c) {
        return jdbc.insertIfAbsent("INSERT INTO hub_device_claims (hub_key, device_id, hub_host_name, owner_id_scope,"
                        + " owner_instance, registration_key, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                Documents.key(c.hubHostName()), c.deviceId(), c.hubHostName(), c.ownerIdScope(), c.ownerInstance(),
                Documents.key(c.registrationId()), c.claimedDateTimeUtc());
    }

    @Override
    public boolean deleteDeviceClaim(String hubHostName, String deviceId, String ownerIdScope) {
        return jdbc.update("DELETE FROM hub_device_claims WHERE hub_key = ? AND device_id = ? AND owner_id_scope = ?",
                Documents.key(hubHostName), deviceId, ownerIdScope) == 1;
    }

    @Override
    public List<DeviceClaim> claimsMadeUntil(DeviceClaim after, String untilUtc, int limit) {
        String where = " WHERE kept = FALSE AND claimed_at <= ?";
        if (after == null) {
            return jdbc.list(COLUMNS + where + " ORDER BY claimed_at, hub_key, device_id LIMIT ?",
                    JdbcDeviceClaimStore::claim, untilUtc, limit);
        }
        String hubKey = Documents.key(after.hubHostName());
        return jdbc.list(COLUMNS + where + " AND (claimed_at > ? OR claimed_at = ? AND (hub_key > ? OR hub_key = ?"
                        + " AND device_id > ?)) ORDER BY claimed_at, hub_key, device_id LIMIT ?",
                JdbcDeviceClaimStore::claim, untilUtc, after.claimedDateTimeUtc(), after.claimedDateTimeUtc(), hubKey,
                hubKey, after.deviceId(), limit);
    }

    @Override
    public Optional<String> sweptUntil(String sweep) {
        return jdbc.one("SELECT checked_until FROM hub_device_claim_sweeps WHERE name = ?", row -> row.getString(1),
                sweep);
    }

    @Override
    public boolean advanceSweep(String sweep, String expected, String untilUtc) {
        return expected == null
                ? jdbc.insertIfAbsent("INSERT INTO hub_device_claim_sweeps (name, checked_until) VALUES (?, ?)",
                        sweep, untilUtc)
                : jdbc.update("UPDATE hub_device_claim_sweeps SET checked_until = ? WHERE name = ? AND checked_until = ?",
                        untilUtc, sweep, expected) == 1;
    }

    /** The registration's key stands for its ID: the sweep looks its record up by it, and keys ignore case. */
    private static DeviceClaim claim(ResultSet row) throws SQLException {
        return new DeviceClaim(row.getString("hub_host_name"), row.getString("device_id"),
                row.getString("owner_id_scope"), row.getString("owner_instance"), row.getString("registration_key"),
                row.getString("claimed_at"));
    }
}
