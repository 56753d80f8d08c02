package dev.muster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.IfMatch;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.device.RegistrationIds;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.SymmetricKeyAttestation;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubStore;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The built-in hubs and their device identities: create, replace, delete, look up. */
public final class DeviceRegistry {
    static final int MAX_ATTEMPTS = 8;

    /** IoT Hub's page size for {@code GET /devices}: {@code top} outside 1–1000 means 1000. */
    public static final int MAX_LIST = 1000;

    private final HubStore store;
    private final Clock clock;
    private final DeviceView view;
    private final DeviceScopes scopes;
    private volatile dev.muster.hub.routing.HubEventSources eventSources = dev.muster.hub.routing.HubEventSources.NONE;

    public DeviceRegistry(HubStore store, Clock clock, DeviceView view) {
        this.store = store;
        this.clock = clock;
        this.view = view;
        this.scopes = new DeviceScopes(store, clock);
    }

    /** Where device-lifecycle events go when a route takes them (none until the server wires the ingest). */
    public void reportLifecycleTo(dev.muster.hub.routing.HubEventSources sources) {
        this.eventSources = sources;
    }

    public DeviceRegistry(HubStore store, Clock clock) {
        this(store, clock, DeviceView.AS_STORED);
    }

    public List<BuiltInHubConfig> hubs() {
        return store.builtInHubs();
    }

    public Optional<BuiltInHubConfig> hub(String hostName) {
        return store.builtInHubs().stream().filter(h -> h.hostName().equalsIgnoreCase(hostName)).findFirst();
    }

    public long deviceCount(String hub) {
        return store.deviceCount(hub);
    }

    public long disabledDeviceCount(String hub) {
        return store.disabledDeviceCount(hub);
    }

    /** The device's stored identity alone (what the provisioning service compares and rewrites). */
    public Optional<HubDevice> storedDevice(String hub, String deviceId) {
        return store.device(hub, deviceId);
    }

    /** {@code GET /devices?top=N}: the first devices in ID order; {@code top} null or outside 1–1000 = 1000. */
    public List<HubDevice> list(String hub, Integer top) {
        int limit = top == null || top < 1 || top > MAX_LIST ? MAX_LIST : top;
        return view.presentAll(hub, store.devicesAfter(hub, null, limit).stream().map(HubDevice::withAzureDefaults)
                .toList());
    }

    /** The device as the registry shows it (with its connection state). */
    public Optional<HubDevice> device(String hub, String deviceId) {
        return store.device(hub, deviceId).map(d -> view.present(hub, d.withAzureDefaults()));
    }

    /**
     * Creates or replaces a device identity. {@code ifMatch} null or "*" = unconditional; otherwise the etag
     * must match (412). Keys are generated for a SAS device that brings none.
     */
    public HubDevice putDevice(String hub, HubDevice requested, String ifMatch) {
        return write(hub, requested, ifMatch, true);
    }

    /** Replaces a device that must exist (bulk {@code update}/{@code updateIfMatchETag}); 404 when it does not. */
    public HubDevice updateDevice(String hub, HubDevice requested, String ifMatch) {
        return write(hub, requested, ifMatch, false);
    }

    private HubDevice write(String hub, HubDevice requested, String ifMatch, boolean mayCreate) {
        requireValidDeviceId(requested.deviceId());
        if (requested.deviceId() == null) {
            throw HubError.argumentInvalid("deviceId is required.");
        }
        AuthenticationMechanism auth = normaliseAuth(requested.authentication());
        String status = status(requested);
        DeviceCapabilities caps = requested.capabilities() == null ? DeviceCapabilities.NONE : requested.capabilities();
        String now = Timestamps.format(clock.instant());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<HubDevice> existing = store.device(hub, requested.deviceId());
            if (existing.isEmpty()) {
                if (!mayCreate || !IfMatch.isAny(ifMatch)) {
                    throw HubError.deviceNotFound(requested.deviceId());
                }
                HubDevice created = scopes.apply(hub, requested.withServerFields(UUID.randomUUID().toString(),
                        Ids.etag(), status, now, auth, caps), existing);
                DeviceTwin twin = new DeviceTwin(requested.deviceId(), Json.object(), Json.object(), 1, Json.object(), 1,
                        1, Ids.etag());
                if (store.insertDevice(hub, created, twin)) {
                    eventSources.identityCreated(hub, created.deviceId(), null,
                            () -> TwinService.render(created.withAzureDefaults(), twin));
                    return created.withAzureDefaults();
                }
            } else {
                HubDevice old = existing.get();
                if (!IfMatch.isAny(ifMatch) && !IfMatch.matches(ifMatch, old.etag())) {
                    throw HubError.preconditionFailed("Device " + old.deviceId() + " etag does not match.");
                }
                HubDevice updated = scopes.apply(hub, requested.withServerFields(old.generationId(), Ids.etag(), status,
                        status.equals(old.status()) ? old.statusUpdatedTime() : now, auth, caps), existing);
                if (store.replaceDevice(hub, updated, old.etag())) {
                    return updated.withAzureDefaults();
                }
            }
        }
        throw HubError.changedConcurrently("Device " + requested.deviceId());
    }

    /**
     * Creates a device that does not exist yet together with its initial twin, in one store write: the twin comes out
     * exactly as {@link #putDevice} followed by {@link TwinService#patchTwin} with {@code initialTwin} would leave it
     * (tags and desired merged into an empty twin, each change counted in the versions), without reading the new
     * device and its twin back and writing the twin twice. Nobody can be subscribed to a device that did not exist,
     * so there is no desired-property push to make.
     *
     * @param initialTwin {@code {"tags":…,"properties":{"desired":…}}}, or null for an empty twin; a twin migrated
     *                    from another hub also brings {@code properties.reported}
     * @return the device, or empty when a device with this ID already exists (nothing is changed then)
     */
    public Optional<HubDevice> createDevice(String hub, HubDevice requested, JsonNode initialTwin) {
        requireValidDeviceId(requested.deviceId());
        JsonNode tagsIn = initialTwin == null ? null : initialTwin.get("tags");
        JsonNode desiredIn = initialTwin == null ? null : initialTwin.path("properties").get("desired");
        JsonNode reportedIn = initialTwin == null ? null : initialTwin.path("properties").get("reported");
        AuthenticationMechanism auth = normaliseAuth(requested.authentication());
        String status = status(requested);
        DeviceCapabilities caps = requested.capabilities() == null ? DeviceCapabilities.NONE : requested.capabilities();
        ObjectNode tags = Json.object();
        ObjectNode desired = Json.object();
        boolean patched = false;
        boolean desiredChanged = false;
        if (tagsIn != null && tagsIn.isObject()) {
            JsonMerge.merge(tags, tagsIn);
            patched = true;
        }
        if (desiredIn != null && desiredIn.isObject()) {
            desiredChanged = JsonMerge.merge(desired, desiredIn);
            patched = true;
        }
        ObjectNode reported = Json.object();
        boolean reportedChanged = false;
        if (reportedIn != null && reportedIn.isObject()) {
            reportedChanged = JsonMerge.merge(reported, reportedIn);
            patched |= reportedChanged;
        }
        HubDevice created = scopes.apply(hub, requested.withServerFields(UUID.randomUUID().toString(), Ids.etag(),
                status, Timestamps.format(clock.instant()), auth, caps), Optional.empty());
        DeviceTwin twin = new DeviceTwin(requested.deviceId(), tags, desired, desiredChanged ? 2 : 1, reported,
                reportedChanged ? 2 : 1, patched ? 2 : 1, Ids.etag());
        if (!store.insertDevice(hub, created, twin)) {
            return Optional.empty();
        }
        eventSources.identityCreated(hub, created.deviceId(), null,
                () -> TwinService.render(created.withAzureDefaults(), twin));
        return Optional.of(created);
    }

    public boolean deleteDevice(String hub, String deviceId, String ifMatch) {
        Optional<HubDevice> existing = store.device(hub, deviceId);
        if (existing.isEmpty()) {
            return false;
        }
        if (!IfMatch.isAny(ifMatch) && !IfMatch.matches(ifMatch, existing.get().etag())) {
            throw HubError.preconditionFailed("Device " + deviceId + " etag does not match.");
        }
        // the event's body is the twin as it was: read before it is gone, and only when a route wants it
        Optional<DeviceTwin> twin = eventSources.wantsLifecycle(hub) ? store.twin(hub, deviceId) : Optional.empty();
        boolean deleted = store.deleteDevice(hub, deviceId, IfMatch.isAny(ifMatch) ? null : existing.get().etag());
        if (deleted) {
            eventSources.identityDeleted(hub, deviceId, null, () -> twin.map(t ->
                    TwinService.render(existing.get().withAzureDefaults(), t)).orElse(null));
        }
        return deleted;
    }

    /** The device ID rules of IoT Hub (shared with DPS, which names the devices it creates), as the hub's error. */
    private static void requireValidDeviceId(String deviceId) {
        try {
            RegistrationIds.requireValidDeviceId(deviceId);
        } catch (ProvisioningException e) {
            throw HubError.argumentInvalid(e.getMessage());
        }
    }

    private static String status(HubDevice requested) {
        String status = requested.status() == null ? "enabled" : requested.status().toLowerCase();
        if (!status.equals("enabled") && !status.equals("disabled")) {
            throw HubError.argumentInvalid("status must be 'enabled' or 'disabled'.");
        }
        return status;
    }

    /** Shared with {@link ModuleRegistry}: modules authenticate exactly as devices do. */
    static AuthenticationMechanism normaliseAuth(AuthenticationMechanism auth) {
        if (auth == null || auth.type() == null || auth.type().equalsIgnoreCase(AuthenticationMechanism.SAS)) {
            SymmetricKeyAttestation keys = auth == null ? null : auth.symmetricKey();
            String primary = keys == null || blank(keys.primaryKey()) ? Ids.symmetricKey() : keys.primaryKey();
            String secondary = keys == null || blank(keys.secondaryKey()) ? Ids.symmetricKey() : keys.secondaryKey();
            requireBase64Key(primary, "primaryKey");
            requireBase64Key(secondary, "secondaryKey");
            return AuthenticationMechanism.sas(primary, secondary);
        }
        if (auth.type().equalsIgnoreCase(AuthenticationMechanism.SELF_SIGNED)) {
            if (auth.x509Thumbprint() == null || blank(auth.x509Thumbprint().primaryThumbprint())) {
                throw HubError.argumentInvalid("selfSigned authentication needs x509Thumbprint.primaryThumbprint.");
            }
            return new AuthenticationMechanism(AuthenticationMechanism.SELF_SIGNED, null, auth.x509Thumbprint());
        }
        if (auth.type().equalsIgnoreCase(AuthenticationMechanism.CERTIFICATE_AUTHORITY)) {
            return new AuthenticationMechanism(AuthenticationMechanism.CERTIFICATE_AUTHORITY, null, null);
        }
        throw HubError.argumentInvalid("authentication.type must be sas, selfSigned or certificateAuthority.");
    }

    static void requireBase64Key(String key, String name) {
        try {
            int len = Base64.getDecoder().decode(key).length;
            if (len < 16 || len > 64) {
                throw HubError.argumentInvalid(name + " must be base64 of 16 to 64 bytes.");
            }
        } catch (IllegalArgumentException e) {
            throw HubError.argumentInvalid(name + " is not valid base64.");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
