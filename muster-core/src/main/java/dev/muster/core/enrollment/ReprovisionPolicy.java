package dev.muster.core.enrollment;

/** Both default to true, as in Azure. */
public record ReprovisionPolicy(Boolean updateHubAssignment, Boolean migrateDeviceData) {
    public static final ReprovisionPolicy DEFAULT = new ReprovisionPolicy(true, true);

    public ReprovisionPolicy withDefaults() {
        return new ReprovisionPolicy(updateHubAssignment == null || updateHubAssignment,
                migrateDeviceData == null || migrateDeviceData);
    }
}
