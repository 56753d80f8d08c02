package dev.muster.store;

import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.device.RegistrationStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Registration records under their lower-cased registration ID. The group a device came through is a column of
 * its own so a group's devices can be listed and removed without reading every record.
 */
final class JdbcRegistrationStore implements RegistrationStore {
    private static final String COLUMNS = "SELECT group_id, initial_hub, doc FROM registrations";
    /** Marks the claims of the devices that deleted records name, so the orphan sweep leaves those devices. */
    private static final String KEEP_CLAIMS = "UPDATE hub_device_claims SET kept = TRUE WHERE owner_instance = ? AND";

    private final Jdbc jdbc;

    JdbcRegistrationStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<RegistrationRecord> registration(String instance, String registrationId) {
        return jdbc.one(COLUMNS + " WHERE instance = ? AND id_key = ?", JdbcRegistrationStore::record,
                instance, Documents.key(registrationId));
    }

    @Override
    public void saveRegistration(String instance, RegistrationRecord record) {
        DeviceRegistrationState state = Objects.requireNonNull(record.state(), "a registration record needs its state");
        String idKey = Documents.key(Objects.requireNonNull(state.registrationId(), "registrationId"));
        String doc = Documents.write(state);
        String group = record.enrollmentGroupId();
        jdbc.upsert("UPDATE registrations SET group_id = ?, group_id_key = ?, etag = ?, initial_hub = ?, doc = ?"
                        + " WHERE instance = ? AND id_key = ?",
                new Object[] {group, Documents.key(group), state.etag(), record.initialHub(), doc, instance, idKey},
                "INSERT INTO registrations (instance, id_key, group_id, group_id_key, etag, initial_hub, doc)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                new Object[] {instance, idKey, group, Documents.key(group), state.etag(), record.initialHub(), doc});
    }

    /** One statement either way: a conditional UPDATE, or an INSERT that the primary key lets only one writer make. */
    @Override
    public boolean saveRegistrationIf(String instance, RegistrationRecord record, String expectedEtag) {
        DeviceRegistrationState state = Objects.requireNonNull(record.state(), "a registration record needs its state");
        String idKey = Documents.key(Objects.requireNonNull(state.registrationId(), "registrationId"));
        String doc = Documents.write(state);
        String group = record.enrollmentGroupId();
        if (expectedEtag == null) {
            return jdbc.insertIfAbsent("INSERT INTO registrations (instance, id_key, group_id, group_id_key, etag,"
                            + " initial_hub, doc) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    instance, idKey, group, Documents.key(group), state.etag(), record.initialHub(), doc);
        }
        return jdbc.update("UPDATE registrations SET group_id = ?, group_id_key = ?, etag = ?, initial_hub = ?, doc = ?"
                        + " WHERE instance = ? AND id_key = ? AND etag = ?",
                group, Documents.key(group), state.etag(), record.initialHub(), doc, instance, idKey, expectedEtag) == 1;
    }

    /** The device the record named stays in its hub, so its claim is kept from the orphan sweep first. */
    @Override
    public boolean deleteRegistration(String instance, String registrationId, String expectedEtag) {
        String key = Documents.key(registrationId);
        jdbc.update(KEEP_CLAIMS + " registration_key = ?", instance, key);
        String delete = "DELETE FROM registrations WHERE instance = ? AND id_key = ?";
        return expectedEtag == null
                ? jdbc.update(delete, instance, key) == 1
                : jdbc.update(delete + " AND etag = ?", instance, key, expectedEtag) == 1;
    }

    @Override
    public List<RegistrationRecord> registrationsOfGroup(String instance, String groupId, String afterId, int limit) {
        int n = Math.max(0, limit);
        String where = COLUMNS + " WHERE instance = ? AND group_id_key = ?";
        return afterId == null
                ? jdbc.list(where + " ORDER BY id_key LIMIT ?", JdbcRegistrationStore::record,
                        instance, Documents.key(groupId), n)
                : jdbc.list(where + " AND id_key > ? ORDER BY id_key LIMIT ?", JdbcRegistrationStore::record,
                        instance, Documents.key(groupId), Documents.key(afterId), n);
    }

    /**
     * An individual enrollment owns only the record of its own ID that did not come through a group: a device
     * that was enrolled individually and also matched a group keeps its group record.
     */
    @Override
    public int deleteRegistrationsOfEnrollment(String instance, String enrollmentId, boolean group) {
        if (group) {
            jdbc.update(KEEP_CLAIMS + " registration_key IN (SELECT id_key FROM registrations WHERE instance = ?"
                    + " AND group_id_key = ?)", instance, instance, Documents.key(enrollmentId));
        } else {
            jdbc.update(KEEP_CLAIMS + " registration_key = ?", instance, Documents.key(enrollmentId));
        }
        return group
                ? jdbc.update("DELETE FROM registrations WHERE instance = ? AND group_id_key = ?",
                        instance, Documents.key(enrollmentId))
                : jdbc.update("DELETE FROM registrations WHERE instance = ? AND id_key = ? AND group_id_key IS NULL",
                        instance, Documents.key(enrollmentId));
    }

    private static RegistrationRecord record(ResultSet row) throws SQLException {
        return new RegistrationRecord(Documents.read(row.getString("doc"), DeviceRegistrationState.class),
                row.getString("group_id"), row.getString("initial_hub"));
    }
}
