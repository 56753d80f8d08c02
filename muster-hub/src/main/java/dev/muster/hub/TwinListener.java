package dev.muster.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Told when a device's desired properties change, so connected devices get the patch pushed. */
public interface TwinListener {
    /** @param patch the desired-properties patch including {@code $version} */
    void desiredChanged(String hub, String deviceId, ObjectNode patch);
}
