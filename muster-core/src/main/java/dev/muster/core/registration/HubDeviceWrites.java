package dev.muster.core.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes a registration makes to a device in its hub once the device is known to be its instance's (see
 * {@link HubDeviceOwnership}): create it with its initial twin, keep its identity current, move it with its state,
 * delete it. Each step leaves no half-made device behind.
 */
final class HubDeviceWrites {
    private static final Logger LOG = LoggerFactory.getLogger(HubDeviceWrites.class);

    private HubDeviceWrites() {}

    /** @return true when the device did not exist before */
    static boolean create(HubClient hub, HubDevice identity, TwinState initialTwin) {
        // A built-in hub creates a new device with its twin in one write (false: it exists, or a REST hub).
        if (hub.createWithTwin(identity, hasContent(initialTwin) ? initialTwin : null)) {
            return true;
        }
        boolean existed = hub.device(identity.deviceId()).isPresent();
        hub.putDevice(identity);
        try {
            applyTwin(hub, identity.deviceId(), initialTwin);
        } catch (HubException e) {
            if (!existed) {
                // Never leave a half-created device behind.
                safeDelete(hub, identity.deviceId());
            }
            throw e;
        }
        return !existed;
    }

    /**
     * Re-registration on the same hub: idempotent; recreates the identity if someone deleted it.
     *
     * @return true when the device had to be created
     */
    static boolean ensureIdentity(HubClient hub, HubDevice identity, TwinState initialTwin) {
        Optional<HubDevice> current = hub.device(identity.deviceId());
        if (current.isEmpty()) {
            return create(hub, identity, initialTwin);
        }
        if (!sameIdentity(current.get(), identity)) {
            hub.putDevice(identity);
        }
        return false;
    }

    private static boolean sameIdentity(HubDevice a, HubDevice b) {
        return a.authentication() != null && a.authentication().equals(b.authentication())
                && (a.capabilities() == null ? DeviceCapabilities.NONE : a.capabilities()).equals(b.capabilities());
    }

    /**
     * Moves the device's state from its old hub, as Azure does: the whole twin (tags, desired and reported, their
     * versions counted afresh) and its capabilities. A hub that cannot take reported properties from a service
     * (Azure IoT Hub's API) gets tags and desired only; a device gone from the old hub starts from the initial twin.
     *
     * @return true when the device did not exist in {@code to} before
     */
    static boolean migrate(HubClient from, String oldDeviceId, HubClient to, HubDevice identity,
                            TwinState initialTwin) {
        Optional<ObjectNode> old = from.twin(oldDeviceId);
        if (old.isEmpty()) {
            return create(to, identity, initialTwin);
        }
        HubDevice moved = from.device(oldDeviceId).map(HubDevice::capabilities)
                .map(caps -> HubDevice.of(identity.deviceId(), identity.authentication(), caps)).orElse(identity);
        ObjectNode properties = Json.object();
        properties.set("desired", stripVersion(old.get().path("properties").path("desired")));
        properties.set("reported", stripVersion(old.get().path("properties").path("reported")));
        ObjectNode whole = Json.object();
        whole.set("tags", old.get().path("tags").isObject() ? old.get().get("tags") : Json.object());
        whole.set("properties", properties);
        if (to.createMigrated(moved, whole)) {
            return true;
        }
        LOG.debug("hub {} takes no reported properties from a service: {} moves with tags and desired only",
                to.hostName(), identity.deviceId());
        return create(to, moved, new TwinState(whole.get("tags"), new TwinState.Properties(properties.get("desired"))));
    }

    private static JsonNode stripVersion(JsonNode props) {
        if (!props.isObject()) {
            return Json.object();
        }
        ObjectNode copy = ((ObjectNode) props).deepCopy();
        copy.remove("$version");
        copy.remove("$metadata");
        return copy;
    }

    private static void applyTwin(HubClient hub, String deviceId, TwinState twin) {
        if (hasContent(twin)) {
            hub.patchTwin(deviceId, twin);
        }
    }

    /** Whether an initial twin has tags or desired properties to apply (an empty one leaves the twin untouched). */
    private static boolean hasContent(TwinState twin) {
        if (twin == null) {
            return false;
        }
        boolean hasTags = twin.tags() != null && twin.tags().isObject() && twin.tags().size() > 0;
        boolean hasDesired = twin.desired() != null && twin.desired().isObject() && twin.desired().size() > 0;
        return hasTags || hasDesired;
    }

    /** @return whether the device is gone */
    static boolean safeDelete(HubClient hub, String deviceId) {
        try {
            hub.deleteDevice(deviceId);
            return true;
        } catch (HubException e) {
            LOG.warn("could not remove device {} from hub {}: {}", deviceId, hub.hostName(), e.getMessage());
            return false;
        }
    }
}
