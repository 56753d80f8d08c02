package dev.muster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.IfMatch;
import dev.muster.core.Json;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Device twins: the service side (read, patch, replace tags and desired properties) and the device side (its twin
 * document, reported-property patches). Desired changes are pushed to {@link TwinListener}s (the MQTT endpoint, the
 * cross-node relay) once they are stored.
 */
public final class TwinService {
    private final HubStore store;
    private final DeviceView view;
    private final List<TwinListener> twinListeners = new CopyOnWriteArrayList<>();

    public TwinService(HubStore store, DeviceView view) {
        this.store = store;
        this.view = view;
    }

    public TwinService(HubStore store) {
        this(store, DeviceView.AS_STORED);
    }

    public void addTwinListener(TwinListener l) { twinListeners.add(l); }

    public void removeTwinListener(TwinListener l) { twinListeners.remove(l); }

    public Optional<ObjectNode> twinJson(String hub, String deviceId) {
        Optional<HubDevice> device = store.device(hub, deviceId);
        return device.flatMap(d -> store.twin(hub, deviceId).map(t -> render(view.present(hub, d), t)));
    }

    /** Device-side view ({@code $iothub/twin/GET}): desired and reported with their versions. */
    public Optional<ObjectNode> deviceTwinDocument(String hub, String deviceId) {
        return store.twin(hub, deviceId).map(t -> {
            ObjectNode doc = Json.object();
            doc.set("desired", withVersion(t.desired(), t.desiredVersion()));
            doc.set("reported", withVersion(t.reported(), t.reportedVersion()));
            return doc;
        });
    }

    /** Service PATCH /twins/{id}: merges tags and desired properties. */
    public ObjectNode patchTwin(String hub, String deviceId, JsonNode patch, String ifMatch) {
        return updateTwin(hub, deviceId, patch, ifMatch, false);
    }

    /** Service PUT /twins/{id}: replaces tags and desired properties. */
    public ObjectNode replaceTwin(String hub, String deviceId, JsonNode twin, String ifMatch) {
        return updateTwin(hub, deviceId, twin, ifMatch, true);
    }

    private ObjectNode updateTwin(String hub, String deviceId, JsonNode doc, String ifMatch, boolean replace) {
        if (doc == null || !doc.isObject()) {
            throw HubError.argumentInvalid("A twin document must be a JSON object.");
        }
        JsonNode tagsIn = doc.get("tags");
        JsonNode desiredIn = doc.path("properties").get("desired");
        if (tagsIn != null && !tagsIn.isNull() && !tagsIn.isObject()) {
            throw HubError.argumentInvalid("twin tags must be a JSON object.");
        }
        if (desiredIn != null && !desiredIn.isNull() && !desiredIn.isObject()) {
            throw HubError.argumentInvalid("twin properties.desired must be a JSON object.");
        }
        for (int attempt = 0; attempt < DeviceRegistry.MAX_ATTEMPTS; attempt++) {
            HubDevice device = store.device(hub, deviceId).orElseThrow(() -> HubError.deviceNotFound(deviceId));
            DeviceTwin t = twinOf(hub, deviceId);
            if (!IfMatch.isAny(ifMatch) && !IfMatch.matches(ifMatch, t.etag())) {
                throw HubError.preconditionFailed("Twin " + deviceId + " etag does not match.");
            }
            ObjectNode tags = t.tags().deepCopy();
            ObjectNode desired = t.desired().deepCopy();
            boolean desiredChanged;
            if (replace) {
                tags = JsonMerge.clean(tagsIn);
                ObjectNode newDesired = JsonMerge.clean(desiredIn);
                desiredChanged = !newDesired.equals(desired);
                desired = newDesired;
            } else {
                if (tagsIn != null && tagsIn.isObject()) {
                    JsonMerge.merge(tags, tagsIn);
                }
                desiredChanged = desiredIn != null && desiredIn.isObject() && JsonMerge.merge(desired, desiredIn);
            }
            long desiredVersion = desiredChanged ? t.desiredVersion() + 1 : t.desiredVersion();
            DeviceTwin next = new DeviceTwin(deviceId, tags, desired, desiredVersion, t.reported(), t.reportedVersion(),
                    t.version() + 1, Ids.etag());
            if (store.replaceTwin(hub, next, t.version())) {
                if (desiredChanged) {
                    // a merge patch keeps its explicit nulls, at every depth, so the device learns of deletions
                    ObjectNode push = replace ? desired.deepCopy() : JsonMerge.patchCopy(desiredIn);
                    push.put("$version", desiredVersion);
                    for (TwinListener l : twinListeners) {
                        l.desiredChanged(hub, deviceId, push);
                    }
                }
                return render(view.present(hub, device), next);
            }
        }
        throw HubError.changedConcurrently("Twin " + deviceId);
    }

    /** Device reported-properties patch; returns the new reported version. */
    public long patchReported(String hub, String deviceId, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw HubError.argumentInvalid("A reported-properties patch must be a JSON object.");
        }
        for (int attempt = 0; attempt < DeviceRegistry.MAX_ATTEMPTS; attempt++) {
            DeviceTwin t = twinOf(hub, deviceId);
            ObjectNode reported = t.reported().deepCopy();
            JsonMerge.merge(reported, patch);
            DeviceTwin next = new DeviceTwin(deviceId, t.tags(), t.desired(), t.desiredVersion(), reported,
                    t.reportedVersion() + 1, t.version() + 1, Ids.etag());
            if (store.replaceTwin(hub, next, t.version())) {
                return next.reportedVersion();
            }
        }
        throw HubError.changedConcurrently("Twin " + deviceId);
    }

    private DeviceTwin twinOf(String hub, String deviceId) {
        return store.twin(hub, deviceId).orElseThrow(
                () -> new HubError(HubErrorCode.DEVICE_NOT_FOUND, "Twin of " + deviceId + " not found."));
    }

    private static ObjectNode withVersion(ObjectNode props, long version) {
        ObjectNode out = props.deepCopy();
        out.put("$version", version);
        return out;
    }

    private static ObjectNode render(HubDevice device, DeviceTwin t) {
        ObjectNode twin = Json.object();
        twin.put("deviceId", device.deviceId());
        twin.put("etag", t.etag());
        twin.put("deviceEtag", device.etag());
        twin.put("status", device.status());
        twin.put("statusUpdateTime", device.statusUpdatedTime());
        twin.put("connectionState", device.connectionState());
        twin.put("lastActivityTime", device.lastActivityTime());
        twin.put("cloudToDeviceMessageCount", device.cloudToDeviceMessageCount());
        twin.put("authenticationType", device.authentication() == null ? "sas" : device.authentication().type());
        twin.put("version", t.version());
        twin.set("capabilities", Json.MAPPER.valueToTree(
                device.capabilities() == null ? DeviceCapabilities.NONE : device.capabilities()));
        twin.set("tags", t.tags().deepCopy());
        ObjectNode props = twin.putObject("properties");
        props.set("desired", withVersion(t.desired(), t.desiredVersion()));
        props.set("reported", withVersion(t.reported(), t.reportedVersion()));
        return twin;
    }
}
