package dev.muster.store;

import java.util.List;

/**
 * Where a database's schema stands against the migrations this Muster ships.
 *
 * @param current highest applied version, null for an empty database
 * @param latestKnown highest version this binary can migrate to
 */
public record SchemaStatus(List<String> applied, List<String> pending, String current, String latestKnown) {
    public boolean upToDate() {
        return pending.isEmpty() && current != null && current.equals(latestKnown);
    }

    public boolean newerThanThisBinary() {
        return current != null && latestKnown != null
                && org.flywaydb.core.api.MigrationVersion.fromVersion(current)
                        .compareTo(org.flywaydb.core.api.MigrationVersion.fromVersion(latestKnown)) > 0;
    }
}
