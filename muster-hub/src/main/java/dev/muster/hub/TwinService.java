package dev.muster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.IfMatch;
import dev.muster.core.Json;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Device and module twins ({@link TwinKey} says which): the service side (read, patch, replace tags and desired
 * properties) and the device or module side (its twin document, reported-property patches). Desired changes are
 * pushed to {@link TwinListener}s (the MQTT endpoint, the cross-node relay) once they are stored.
 */
public final class TwinService {
    private final HubStore store;
    private final DeviceView view;
    private final List<TwinListener> twinListeners = new CopyOnWriteArrayList<>();
    private volatile dev.muster.hub.routing.HubEventSources eventSources = dev.muster.hub.routing.HubEventSources.NONE;

    public TwinService(HubStore store, DeviceView view) {
        this.store = store;
        this.view = view;
    }

    public TwinService(HubStore store) {
        this(store, DeviceView.AS_STORED);
    }

    public void addTwinListener(TwinListener l) { twinListeners.add(l); }

    /** Where twin-change events go when a route takes them (none until the server wires the ingest). */
    public void reportChangesTo(dev.muster.hub.routing.HubEventSources sources) { this.eventSources = sources; }

    public void removeTwinListener(TwinListener l) { twinListeners.remove(l); }

    /**
     * This node's device transports, as one listener: what a desired change made on another node is handed to (every
     * listener but the relay that carries changes between nodes, which must not send them back).
     */
    public TwinListener localTransports() {
        return new TwinListener() {
            @Override
            public void desiredChanged(String hub, String deviceId, ObjectNode patch) {
                for (TwinListener l : twinListeners) {
                    if (!(l instanceof DesiredChangeRelay)) {
                        l.desiredChanged(hub, deviceId, patch);
                    }
                }
            }

            @Override
            public void moduleDesiredChanged(String hub, String deviceId, String moduleId, ObjectNode patch) {
                for (TwinListener l : twinListeners) {
                    if (!(l instanceof DesiredChangeRelay)) {
                        l.moduleDesiredChanged(hub, deviceId, moduleId, patch);
                    }
                }
            }
        };
    }

    public Optional<ObjectNode> twinJson(String hub, String deviceId) {
        return twinJson(hub, TwinKey.device(deviceId));
    }

    /** Service GET /twins/{deviceId}/modules/{moduleId}. */
    public Optional<ObjectNode> moduleTwinJson(String hub, String deviceId, String moduleId) {
        return twinJson(hub, TwinKey.module(deviceId, moduleId));
    }

    public Optional<ObjectNode> twinJson(String hub, TwinKey key) {
        return key.identity(store, hub, view).flatMap(identity -> key.twin(store, hub).map(t -> render(key, identity, t)));
    }

    /** Device-side view ({@code $iothub/twin/GET}): desired and reported with their versions. */
    public Optional<ObjectNode> deviceTwinDocument(String hub, String deviceId) {
        return twinDocument(hub, TwinKey.device(deviceId));
    }

    /** A module's side of its twin ({@code $iothub/twin/GET} on a module connection), as {@link #deviceTwinDocument}. */
    public Optional<ObjectNode> moduleTwinDocument(String hub, String deviceId, String moduleId) {
        return twinDocument(hub, TwinKey.module(deviceId, moduleId));
    }

    private Optional<ObjectNode> twinDocument(String hub, TwinKey key) {
        return key.twin(store, hub).map(t -> {
            ObjectNode doc = Json.object();
            doc.set("desired", withVersion(t.desired(), t.desiredVersion()));
            doc.set("reported", withVersion(t.reported(), t.reportedVersion()));
            return doc;
        });
    }

    /** Service PATCH /twins/{id}: merges tags and desired properties. */
    public ObjectNode patchTwin(String hub, String deviceId, JsonNode patch, String ifMatch) {
        return updateTwin(hub, TwinKey.device(deviceId), patch, ifMatch, false);
    }

    /** Service PUT /twins/{id}: replaces tags and desired properties. */
    public ObjectNode replaceTwin(String hub, String deviceId, JsonNode twin, String ifMatch) {
        return updateTwin(hub, TwinKey.device(deviceId), twin, ifMatch, true);
    }

    /** Service PATCH (merge) or PUT (replace) of a device or module twin's tags and desired properties. */
    public ObjectNode updateTwin(String hub, TwinKey key, JsonNode doc, String ifMatch, boolean replace) {
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
            ObjectNode identity = key.identity(store, hub, view).orElseThrow(key::notFound);
            DeviceTwin t = twinOf(hub, key);
            if (!IfMatch.isAny(ifMatch) && !IfMatch.matches(ifMatch, t.etag())) {
                throw HubError.preconditionFailed(key + " etag does not match.");
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
            DeviceTwin next = new DeviceTwin(t.deviceId(), tags, desired, desiredVersion, t.reported(),
                    t.reportedVersion(), t.version() + 1, Ids.etag());
            if (key.replace(store, hub, next, t.version())) {
                boolean tagsChanged = !tags.equals(t.tags());
                if (desiredChanged || tagsChanged) {
                    ObjectNode changedTags = tagsChanged ? (replace ? tags : JsonMerge.patchCopy(tagsIn)) : null;
                    ObjectNode changedDesired = desiredChanged ? (replace ? desired : JsonMerge.patchCopy(desiredIn))
                            : null;
                    eventSources.twinChanged(hub, key.deviceId(), key.moduleId(), replace ? "replaceTwin"
                            : "updateTwin", () -> TwinChangeBody.of(next.version(), changedTags, "desired",
                            changedDesired, desiredVersion));
                }
                if (desiredChanged) {
                    // a merge patch keeps its explicit nulls, at every depth, so the device learns of deletions
                    ObjectNode push = replace ? desired.deepCopy() : JsonMerge.patchCopy(desiredIn);
                    push.put("$version", desiredVersion);
                    for (TwinListener l : twinListeners) {
                        key.announceDesired(l, hub, push);
                    }
                }
                return render(key, identity, next);
            }
        }
        throw HubError.changedConcurrently(key.toString());
    }

    /** Device reported-properties patch; returns the new reported version. */
    public long patchReported(String hub, String deviceId, JsonNode patch) {
        return patchReported(hub, TwinKey.device(deviceId), patch);
    }

    /** A module's reported-properties patch (from its own connection); returns the new reported version. */
    public long patchModuleReported(String hub, String deviceId, String moduleId, JsonNode patch) {
        return patchReported(hub, TwinKey.module(deviceId, moduleId), patch);
    }

    private long patchReported(String hub, TwinKey key, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw HubError.argumentInvalid("A reported-properties patch must be a JSON object.");
        }
        for (int attempt = 0; attempt < DeviceRegistry.MAX_ATTEMPTS; attempt++) {
            DeviceTwin t = twinOf(hub, key);
            ObjectNode reported = t.reported().deepCopy();
            JsonMerge.merge(reported, patch);
            DeviceTwin next = new DeviceTwin(t.deviceId(), t.tags(), t.desired(), t.desiredVersion(), reported,
                    t.reportedVersion() + 1, t.version() + 1, Ids.etag());
            if (key.replace(store, hub, next, t.version())) {
                eventSources.twinChanged(hub, key.deviceId(), key.moduleId(), "updateTwin",
                        () -> TwinChangeBody.of(next.version(), null, "reported", JsonMerge.patchCopy(patch),
                                next.reportedVersion()));
                return next.reportedVersion();
            }
        }
        throw HubError.changedConcurrently(key.toString());
    }

    private DeviceTwin twinOf(String hub, TwinKey key) {
        return key.twin(store, hub).orElseThrow(key::notFound);
    }

    private static ObjectNode withVersion(ObjectNode props, long version) {
        ObjectNode out = props.deepCopy();
        out.put("$version", version);
        return out;
    }

    /** A device twin document as {@code GET /twins/{id}} shows it (also the items of {@code SELECT * FROM devices}). */
    static ObjectNode render(HubDevice device, DeviceTwin t) {
        return render(TwinKey.device(device.deviceId()), TwinKey.deviceIdentity(device), t);
    }

    /** A module twin document as {@code GET /twins/{d}/modules/{m}} shows it (the items of {@code FROM devices.modules}). */
    static ObjectNode render(dev.muster.core.hub.HubModule module, DeviceTwin t) {
        return render(TwinKey.module(module.deviceId(), module.moduleId()), TwinKey.moduleIdentity(module), t);
    }

    private static ObjectNode render(TwinKey key, ObjectNode identity, DeviceTwin t) {
        ObjectNode twin = Json.object();
        twin.put("deviceId", key.deviceId());
        twin.put("etag", t.etag());
        twin.setAll(identity);
        twin.put("version", t.version());
        twin.set("tags", t.tags().deepCopy());
        ObjectNode props = twin.putObject("properties");
        props.set("desired", withVersion(t.desired(), t.desiredVersion()));
        props.set("reported", withVersion(t.reported(), t.reportedVersion()));
        return twin;
    }
}
