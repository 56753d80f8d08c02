package dev.muster.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Told when a device's or module's desired properties change, so connected devices and modules get the patch pushed. */
public interface TwinListener {
    /** @param patch the desired-properties patch including {@code $version} */
    void desiredChanged(String hub, String deviceId, ObjectNode patch);

    /**
     * A module twin's desired properties changed. Listeners that serve no module connections ignore it.
     *
     * @param patch the desired-properties patch including {@code $version}
     */
    default void moduleDesiredChanged(String hub, String deviceId, String moduleId, ObjectNode patch) {}
}
