package dev.muster.store;

import dev.muster.core.hub.HubDevice;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills in the status column (schema V11) of devices written before it, from their sealed documents: a Java
 * migration because only code with the data folder's key can read them (see {@link EnrollmentBackfill}).
 */
final class V12__Hub_device_status_from_documents extends BaseJavaMigration {
    private static final int PAGE = 1000;

    private record Row(String hubKey, String deviceId, String doc) {}

    private final SecretBox secrets;

    /** @param secrets the data folder's key; null only where nothing is migrated (schema status) */
    V12__Hub_device_status_from_documents(SecretBox secrets) {
        this.secrets = secrets;
    }

    @Override
    public void migrate(Context context) {
        fill(new Jdbc(MigrationPool.of(context.getConnection())));
    }

    void fill(Jdbc jdbc) {
        while (true) {
            List<Row> page = jdbc.list("SELECT hub_key, device_id, doc FROM hub_devices WHERE status IS NULL"
                    + " ORDER BY hub_key, device_id LIMIT ?", row -> new Row(row.getString(1), row.getString(2),
                    row.getString(3)), PAGE);
            if (page.isEmpty()) {
                return;
            }
            if (secrets == null) {
                throw new StoreException("Filling in the status of existing hub devices needs the data folder's"
                        + " secret key: migrate with the key the server uses.");
            }
            for (Row r : page) {
                HubDevice d = Documents.readSealed(secrets, r.doc(), HubDevice.class);
                jdbc.update("UPDATE hub_devices SET status = ? WHERE hub_key = ? AND device_id = ?",
                        JdbcHubStore.status(d), r.hubKey(), r.deviceId());
            }
        }
    }
}
