package dev.muster.store;

import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceRegistrationState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every device that a registration record shows assigned to its instance (schema V9 starts empty). Before
 * V9 two instances could both hold an "assigned" record for one device of a shared hub; the device then goes to the
 * instance that registered it first, and the other's record is left for its next registration to be refused.
 * Registration documents are not sealed, so this needs no key. These claims predate the orphan sweep, whose first
 * run only sets its mark, so it never doubts them.
 */
final class V10__Hub_device_claims_from_registrations extends BaseJavaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(V10__Hub_device_claims_from_registrations.class);
    private static final int PAGE = 1000;

    private record Row(String instance, String idKey, String doc) {}

    @Override
    public void migrate(Context context) {
        fill(new Jdbc(MigrationPool.of(context.getConnection())));
    }

    void fill(Jdbc jdbc) {
        Map<String, String> scopes = new HashMap<>();
        jdbc.list("SELECT name, id_scope FROM instances", row -> Map.entry(row.getString(1), row.getString(2)))
                .forEach(e -> scopes.put(e.getKey(), e.getValue()));
        JdbcDeviceClaimStore claims = new JdbcDeviceClaimStore(jdbc);
        String afterInstance = "";
        String afterKey = "";
        while (true) {
            List<Row> page = jdbc.list("SELECT instance, id_key, doc FROM registrations"
                            + " WHERE instance > ? OR (instance = ? AND id_key > ?) ORDER BY instance, id_key LIMIT ?",
                    row -> new Row(row.getString(1), row.getString(2), row.getString(3)),
                    afterInstance, afterInstance, afterKey, PAGE);
            for (Row r : page) {
                String scope = scopes.get(r.instance());
                DeviceRegistrationState state = Documents.read(r.doc(), DeviceRegistrationState.class);
                if (scope != null && DeviceRegistrationState.ASSIGNED.equals(state.status())
                        && state.assignedHub() != null && state.deviceId() != null) {
                    claim(jdbc, claims, new DeviceClaim(state.assignedHub(), state.deviceId(), scope, r.instance(),
                            r.idKey(), state.createdDateTimeUtc() == null ? "" : state.createdDateTimeUtc()));
                }
            }
            if (page.size() < PAGE) {
                return;
            }
            afterInstance = page.get(page.size() - 1).instance();
            afterKey = page.get(page.size() - 1).idKey();
        }
    }

    /** Read first, so no statement fails (a failed statement would end a PostgreSQL transaction). */
    private static void claim(Jdbc jdbc, JdbcDeviceClaimStore claims, DeviceClaim c) {
        Optional<DeviceClaim> held = claims.deviceClaim(c.hubHostName(), c.deviceId());
        if (held.isEmpty()) {
            claims.insertDeviceClaim(c);
            return;
        }
        if (held.get().ownedBy(c.ownerIdScope())) {
            return;
        }
        // Timestamps.format writes fixed-width UTC instants, so text order is time order.
        boolean earlier = !c.claimedDateTimeUtc().isEmpty() && c.claimedDateTimeUtc().compareTo(
                held.get().claimedDateTimeUtc()) < 0;
        DeviceClaim winner = earlier ? c : held.get();
        DeviceClaim loser = earlier ? held.get() : c;
        if (earlier) {
            jdbc.update("UPDATE hub_device_claims SET owner_id_scope = ?, owner_instance = ?, registration_key = ?,"
                            + " claimed_at = ? WHERE hub_key = ? AND device_id = ?", c.ownerIdScope(), c.ownerInstance(),
                    c.registrationId(), c.claimedDateTimeUtc(), Documents.key(c.hubHostName()), c.deviceId());
        }
        LOG.warn("device {} in hub {} was assigned to instances {} and {}; it stays with {}, which registered it first",
                c.deviceId(), c.hubHostName(), winner.ownerInstance(), loser.ownerInstance(), winner.ownerInstance());
    }
}
