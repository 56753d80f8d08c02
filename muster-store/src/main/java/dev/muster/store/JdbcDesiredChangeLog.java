package dev.muster.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.DesiredChange;
import dev.muster.core.hub.DesiredChangeLog;
import java.time.Instant;
import java.util.List;

/**
 * The desired-property changes of device and module twins the nodes of one deployment leave for each other (table
 * hub_desired_changes).
 */
final class JdbcDesiredChangeLog implements DesiredChangeLog {
    private final Jdbc jdbc;

    JdbcDesiredChangeLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void appendDesiredChange(DesiredChange change) {
        jdbc.insertIfAbsent("INSERT INTO hub_desired_changes (hub_key, device_id, module_id, desired_version,"
                        + " changed_at, patch) VALUES (?, ?, ?, ?, ?, ?)",
                Documents.key(change.hub()), change.deviceId(), change.moduleId() == null ? "" : change.moduleId(),
                change.desiredVersion(), change.changedAt(), Json.write(change.patch()));
    }

    @Override
    public List<DesiredChange> desiredChangesSince(Instant since, int limit) {
        return jdbc.list("SELECT hub_key, device_id, module_id, desired_version, changed_at, patch"
                        + " FROM hub_desired_changes WHERE changed_at >= ?"
                        + " ORDER BY changed_at, hub_key, device_id, module_id, desired_version LIMIT ?",
                row -> new DesiredChange(row.getString("hub_key"), row.getString("device_id"),
                        moduleId(row.getString("module_id")), row.getLong("desired_version"),
                        Jdbc.instant(row, "changed_at"),
                        (ObjectNode) Json.tree(row.getString("patch"))),
                since, Math.max(0, limit));
    }

    /** The log keeps '' for a device's own twin (a key column is never null); the domain says null. */
    private static String moduleId(String column) {
        return column == null || column.isEmpty() ? null : column;
    }

    @Override
    public int pruneDesiredChanges(Instant before) {
        return jdbc.update("DELETE FROM hub_desired_changes WHERE changed_at < ?", before);
    }
}
