package dev.muster.store;

import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.DeviceWithTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.HubStore;
import dev.muster.core.hub.TrustedCertificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Registry and twins of the built-in hubs. Hub host names are compared case-insensitively; device IDs are
 * case-sensitive, as in IoT Hub, so "Dev1" and "dev1" are two devices.
 */
final class JdbcHubStore implements HubStore {
    private final Jdbc jdbc;
    private final SecretBox box;
    private final JdbcHubModules modules;

    /** Hub policy keys and device documents (device keys) are sealed; twins hold no secrets. */
    JdbcHubStore(Jdbc jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
        this.modules = new JdbcHubModules(jdbc, box);
    }

    @Override
    public List<BuiltInHubConfig> builtInHubs() {
        return jdbc.list("SELECT host_name, owner_key_name, primary_access_key, secondary_access_key FROM hubs"
                + " ORDER BY host_name_key", this::hub);
    }

    @Override
    public boolean createBuiltInHub(BuiltInHubConfig hub) {
        return jdbc.insertIfAbsent("INSERT INTO hubs (host_name_key, host_name, owner_key_name, primary_access_key,"
                        + " secondary_access_key) VALUES (?, ?, ?, ?, ?)",
                Documents.key(Objects.requireNonNull(hub.hostName(), "hostName")), hub.hostName(), hub.ownerKeyName(),
                box.seal(hub.primaryKey()), box.seal(hub.secondaryKey()));
    }

    @Override
    public Optional<HubDevice> device(String hub, String deviceId) {
        return jdbc.one("SELECT doc FROM hub_devices WHERE hub_key = ? AND device_id = ?",
                row -> Documents.readSealed(box, row.getString("doc"), HubDevice.class), Documents.key(hub), deviceId);
    }

    /** Device and twin together or neither: a device without a twin would break every twin read. */
    @Override
    public boolean insertDevice(String hub, HubDevice device, DeviceTwin twin) {
        String deviceId = Objects.requireNonNull(device.deviceId(), "deviceId");
        if (!deviceId.equals(twin.deviceId())) {
            throw new IllegalArgumentException("the twin of device " + deviceId + " names device " + twin.deviceId());
        }
        String hubKey = Documents.key(hub);
        return jdbc.transaction(c -> {
            Jdbc.update(c, "INSERT INTO hub_devices (hub_key, device_id, etag, status, doc) VALUES (?, ?, ?, ?, ?)",
                    hubKey, deviceId, device.etag(), status(device), Documents.writeSealed(box, device));
            Jdbc.update(c, "INSERT INTO hub_twins (hub_key, device_id, version, etag, doc) VALUES (?, ?, ?, ?, ?)",
                    hubKey, deviceId, twin.version(), twin.etag(), Documents.write(twin));
            return true;
        }, false);
    }

    @Override
    public boolean replaceDevice(String hub, HubDevice device, String expectedEtag) {
        return jdbc.update("UPDATE hub_devices SET etag = ?, status = ?, doc = ? WHERE hub_key = ? AND device_id = ?"
                        + " AND etag = ?", device.etag(), status(device), Documents.writeSealed(box, device),
                Documents.key(hub), device.deviceId(), expectedEtag) == 1;
    }

    @Override
    public boolean deleteDevice(String hub, String deviceId, String expectedEtag) {
        String hubKey = Documents.key(hub);
        return jdbc.transaction(c -> {
            int deleted = expectedEtag == null
                    ? Jdbc.update(c, "DELETE FROM hub_devices WHERE hub_key = ? AND device_id = ?", hubKey, deviceId)
                    : Jdbc.update(c, "DELETE FROM hub_devices WHERE hub_key = ? AND device_id = ? AND etag = ?",
                            hubKey, deviceId, expectedEtag);
            if (deleted == 0) {
                return false;
            }
            Jdbc.update(c, "DELETE FROM hub_twins WHERE hub_key = ? AND device_id = ?", hubKey, deviceId);
            return true;
        }, false);
    }

    @Override
    public Optional<DeviceTwin> twin(String hub, String deviceId) {
        return jdbc.one("SELECT doc FROM hub_twins WHERE hub_key = ? AND device_id = ?",
                row -> Documents.read(row.getString("doc"), DeviceTwin.class), Documents.key(hub), deviceId);
    }

    @Override
    public boolean replaceTwin(String hub, DeviceTwin twin, long expectedVersion) {
        return jdbc.update("UPDATE hub_twins SET version = ?, etag = ?, doc = ?"
                        + " WHERE hub_key = ? AND device_id = ? AND version = ?",
                twin.version(), twin.etag(), Documents.write(twin), Documents.key(hub), twin.deviceId(),
                expectedVersion) == 1;
    }

    @Override
    public long deviceCount(String hub) {
        return jdbc.one("SELECT COUNT(*) AS n FROM hub_devices WHERE hub_key = ?", row -> row.getLong("n"),
                Documents.key(hub)).orElse(0L);
    }

    @Override
    public long disabledDeviceCount(String hub) {
        return jdbc.one("SELECT COUNT(*) AS n FROM hub_devices WHERE hub_key = ? AND status = 'disabled'",
                row -> row.getLong("n"), Documents.key(hub)).orElse(0L);
    }

    @Override
    public Optional<HubModule> module(String hub, String deviceId, String moduleId) {
        return modules.module(hub, deviceId, moduleId);
    }

    @Override
    public List<HubModule> modules(String hub, String deviceId) {
        return modules.modules(hub, deviceId);
    }

    @Override
    public boolean insertModule(String hub, HubModule module, DeviceTwin twin) {
        return modules.insert(hub, module, twin);
    }

    @Override
    public boolean replaceModule(String hub, HubModule module, String expectedEtag) {
        return modules.replace(hub, module, expectedEtag);
    }

    @Override
    public boolean deleteModule(String hub, String deviceId, String moduleId, String expectedEtag) {
        return modules.delete(hub, deviceId, moduleId, expectedEtag);
    }

    @Override
    public Optional<DeviceTwin> moduleTwin(String hub, String deviceId, String moduleId) {
        return modules.twin(hub, deviceId, moduleId);
    }

    @Override
    public boolean replaceModuleTwin(String hub, String moduleId, DeviceTwin twin, long expectedVersion) {
        return modules.replaceTwin(hub, moduleId, twin, expectedVersion);
    }

    @Override
    public List<HubDevice> devicesAfter(String hub, String afterDeviceId, int limit) {
        return afterDeviceId == null
                ? jdbc.list("SELECT doc FROM hub_devices WHERE hub_key = ? ORDER BY device_id LIMIT ?",
                        row -> Documents.readSealed(box, row.getString("doc"), HubDevice.class), Documents.key(hub), limit)
                : jdbc.list("SELECT doc FROM hub_devices WHERE hub_key = ? AND device_id > ? ORDER BY device_id LIMIT ?",
                        row -> Documents.readSealed(box, row.getString("doc"), HubDevice.class), Documents.key(hub),
                        afterDeviceId, limit);
    }

    /** One statement, so each device and its twin come from the same snapshot. */
    @Override
    public List<DeviceWithTwin> devicesWithTwinsAfter(String hub, String afterDeviceId, int limit) {
        String select = "SELECT d.doc AS device_doc, t.doc AS twin_doc FROM hub_devices d JOIN hub_twins t"
                + " ON t.hub_key = d.hub_key AND t.device_id = d.device_id WHERE d.hub_key = ?";
        return afterDeviceId == null
                ? jdbc.list(select + " ORDER BY d.device_id LIMIT ?", this::deviceWithTwin, Documents.key(hub), limit)
                : jdbc.list(select + " AND d.device_id > ? ORDER BY d.device_id LIMIT ?", this::deviceWithTwin,
                        Documents.key(hub), afterDeviceId, limit);
    }

    private DeviceWithTwin deviceWithTwin(ResultSet row) throws SQLException {
        return new DeviceWithTwin(Documents.readSealed(box, row.getString("device_doc"), HubDevice.class),
                Documents.read(row.getString("twin_doc"), DeviceTwin.class));
    }

    /** The status column's value: IoT Hub's two, a device without one being enabled. */
    static String status(HubDevice device) {
        return "disabled".equalsIgnoreCase(device.status()) ? "disabled" : "enabled";
    }

    @Override
    public List<TrustedCertificate> trustedCertificates(String hub) {
        return jdbc.list("SELECT doc FROM hub_trusted_certificates WHERE hub_key = ? ORDER BY added_at, thumbprint",
                row -> Documents.read(row.getString("doc"), TrustedCertificate.class), Documents.key(hub));
    }

    /** Certificates are public: not sealed. */
    @Override
    public boolean addTrustedCertificate(String hub, TrustedCertificate certificate) {
        return jdbc.insertIfAbsent("INSERT INTO hub_trusted_certificates (hub_key, thumbprint, added_at, doc)"
                        + " VALUES (?, ?, ?, ?)", Documents.key(hub),
                Objects.requireNonNull(certificate.sha256Thumbprint(), "sha256Thumbprint"), Instant.now(),
                Documents.write(certificate));
    }

    @Override
    public boolean removeTrustedCertificate(String hub, String sha256Thumbprint) {
        return jdbc.update("DELETE FROM hub_trusted_certificates WHERE hub_key = ? AND thumbprint = ?",
                Documents.key(hub), sha256Thumbprint) == 1;
    }

    private BuiltInHubConfig hub(ResultSet row) throws SQLException {
        return new BuiltInHubConfig(row.getString("host_name"), row.getString("owner_key_name"),
                box.open(row.getString("primary_access_key")), box.open(row.getString("secondary_access_key")));
    }
}
