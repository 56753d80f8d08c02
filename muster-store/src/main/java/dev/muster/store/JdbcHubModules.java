package dev.muster.store;

import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.ModuleWithTwin;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Module identities and module twins of the built-in hubs (table hub_modules), for {@link JdbcHubStore}: the identity
 * document is sealed like a device's (it holds the module's keys); the twin holds no secrets. Deleting a device
 * deletes its rows here through the table's foreign key.
 */
final class JdbcHubModules {
    private final Jdbc jdbc;
    private final SecretBox box;

    JdbcHubModules(Jdbc jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    Optional<HubModule> module(String hub, String deviceId, String moduleId) {
        return jdbc.one("SELECT doc FROM hub_modules WHERE hub_key = ? AND device_id = ? AND module_id = ?",
                row -> Documents.readSealed(box, row.getString("doc"), HubModule.class), Documents.key(hub), deviceId,
                moduleId);
    }

    List<HubModule> modules(String hub, String deviceId) {
        return jdbc.list("SELECT doc FROM hub_modules WHERE hub_key = ? AND device_id = ? ORDER BY module_id",
                row -> Documents.readSealed(box, row.getString("doc"), HubModule.class), Documents.key(hub), deviceId);
    }

    /**
     * Locks the device's row first: a concurrent delete of the device then either finishes before (no row, nothing
     * inserted) or waits and deletes the new module with the device, so no module outlives its device.
     */
    boolean insert(String hub, HubModule module, DeviceTwin twin) {
        String deviceId = Objects.requireNonNull(module.deviceId(), "deviceId");
        String moduleId = Objects.requireNonNull(module.moduleId(), "moduleId");
        if (!deviceId.equals(twin.deviceId())) {
            throw new IllegalArgumentException("the twin of module " + moduleId + " names device " + twin.deviceId());
        }
        String hubKey = Documents.key(hub);
        return jdbc.transaction(c -> {
            boolean deviceExists = !Jdbc.list(c, "SELECT device_id FROM hub_devices WHERE hub_key = ? AND device_id = ?"
                    + " FOR UPDATE", row -> row.getString("device_id"), hubKey, deviceId).isEmpty();
            if (!deviceExists) {
                return false;
            }
            Jdbc.update(c, "INSERT INTO hub_modules (hub_key, device_id, module_id, etag, doc, twin_version, twin_etag,"
                            + " twin_doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", hubKey, deviceId, moduleId, module.etag(),
                    Documents.writeSealed(box, module), twin.version(), twin.etag(), Documents.write(twin));
            return true;
        }, false);
    }

    boolean replace(String hub, HubModule module, String expectedEtag) {
        return jdbc.update("UPDATE hub_modules SET etag = ?, doc = ? WHERE hub_key = ? AND device_id = ?"
                        + " AND module_id = ? AND etag = ?", module.etag(), Documents.writeSealed(box, module),
                Documents.key(hub), module.deviceId(), module.moduleId(), expectedEtag) == 1;
    }

    boolean delete(String hub, String deviceId, String moduleId, String expectedEtag) {
        String sql = "DELETE FROM hub_modules WHERE hub_key = ? AND device_id = ? AND module_id = ?";
        return expectedEtag == null
                ? jdbc.update(sql, Documents.key(hub), deviceId, moduleId) == 1
                : jdbc.update(sql + " AND etag = ?", Documents.key(hub), deviceId, moduleId, expectedEtag) == 1;
    }

    Optional<DeviceTwin> twin(String hub, String deviceId, String moduleId) {
        return jdbc.one("SELECT twin_doc FROM hub_modules WHERE hub_key = ? AND device_id = ? AND module_id = ?",
                row -> Documents.read(row.getString("twin_doc"), DeviceTwin.class), Documents.key(hub), deviceId,
                moduleId);
    }

    boolean replaceTwin(String hub, String moduleId, DeviceTwin twin, long expectedVersion) {
        return jdbc.update("UPDATE hub_modules SET twin_version = ?, twin_etag = ?, twin_doc = ?"
                        + " WHERE hub_key = ? AND device_id = ? AND module_id = ? AND twin_version = ?",
                twin.version(), twin.etag(), Documents.write(twin), Documents.key(hub), twin.deviceId(), moduleId,
                expectedVersion) == 1;
    }

    /** The hub's modules with their twins after a (device, module) key, both compared byte-wise. */
    List<ModuleWithTwin> withTwinsAfter(String hub, String afterDeviceId, String afterModuleId, int limit) {
        String select = "SELECT doc, twin_doc FROM hub_modules WHERE hub_key = ?";
        Jdbc.RowMapper<ModuleWithTwin> row = r -> new ModuleWithTwin(
                Documents.readSealed(box, r.getString("doc"), HubModule.class),
                Documents.read(r.getString("twin_doc"), DeviceTwin.class));
        return afterDeviceId == null
                ? jdbc.list(select + " ORDER BY device_id, module_id LIMIT ?", row, Documents.key(hub), limit)
                : jdbc.list(select + " AND (device_id > ? OR (device_id = ? AND module_id > ?))"
                        + " ORDER BY device_id, module_id LIMIT ?", row, Documents.key(hub), afterDeviceId,
                        afterDeviceId, afterModuleId, limit);
    }
}
