package dev.muster.hub;

import dev.muster.core.Ids;
import dev.muster.core.IfMatch;
import dev.muster.core.Json;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.HubStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Module identities on a hub's devices: create, replace, delete, look up (IoT Hub's module registry). */
public final class ModuleRegistry {
    /** IoT Hub's module ID rule: up to 128 ASCII letters, digits and {@code - . + % _ # * ? ! ( ) , : = @ $ '}. */
    private static final Pattern MODULE_ID = Pattern.compile("[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}");
    /** The IoT Edge runtime's own modules, which IoT Hub creates and manages for Edge devices, never a caller. */
    static final Set<String> RESERVED = Set.of("$edgeAgent", "$edgeHub");

    private final HubStore store;
    private final DeviceView view;

    /** What a PUT did: IoT Hub answers 201 for a module it created, 200 for one it replaced. */
    public record Put(HubModule module, boolean created) {}

    private volatile dev.muster.hub.routing.HubEventSources eventSources = dev.muster.hub.routing.HubEventSources.NONE;

    /** Where module-lifecycle events go when a route takes them (none until the server wires the ingest). */
    public void reportLifecycleTo(dev.muster.hub.routing.HubEventSources sources) {
        this.eventSources = sources;
    }

    public ModuleRegistry(HubStore store, DeviceView view) {
        this.store = store;
        this.view = view;
    }

    public ModuleRegistry(HubStore store) {
        this(store, DeviceView.AS_STORED);
    }

    /** The module as the registry shows it (with its connection state). */
    public HubModule module(String hub, String deviceId, String moduleId) {
        return store.module(hub, deviceId, moduleId).map(m -> view.presentModule(hub, m))
                .orElseThrow(() -> missing(hub, deviceId, moduleId));
    }

    /** Whether the module is registered (its stored identity, without reading its connection state). */
    public boolean exists(String hub, String deviceId, String moduleId) {
        return store.module(hub, deviceId, moduleId).isPresent();
    }

    /** The device's modules; 404001 when the device is not registered (an empty list is a device without modules). */
    public List<HubModule> modules(String hub, String deviceId) {
        List<HubModule> modules = store.modules(hub, deviceId);
        if (modules.isEmpty() && store.device(hub, deviceId).isEmpty()) {
            throw HubError.deviceNotFound(deviceId);
        }
        return modules.stream().map(m -> view.presentModule(hub, m)).toList();
    }

    /**
     * Creates or replaces a module, as IoT Hub's PUT: without {@code If-Match} it must be new (409301 if it exists);
     * with {@code "*"} it is created or replaced; with an etag it must exist with that etag (404010, 412). Keys are
     * generated for a SAS module that brings none; module ID and generation ID never change.
     */
    public Put putModule(String hub, HubModule requested, String ifMatch) {
        String deviceId = requested.deviceId();
        String moduleId = requireValidModuleId(requested.moduleId());
        if (RESERVED.contains(moduleId)) {
            throw HubError.argumentInvalid("Module ID " + moduleId + " is reserved for the IoT Edge runtime.");
        }
        AuthenticationMechanism auth = DeviceRegistry.normaliseAuth(requested.authentication());
        boolean createOnly = ifMatch == null || ifMatch.isBlank();
        for (int attempt = 0; attempt < DeviceRegistry.MAX_ATTEMPTS; attempt++) {
            Optional<HubModule> existing = store.module(hub, deviceId, moduleId);
            if (existing.isEmpty()) {
                if (!createOnly && !IfMatch.isAny(ifMatch)) {
                    throw missing(hub, deviceId, moduleId);
                }
                HubModule created = requested.created(UUID.randomUUID().toString(), Ids.etag(), auth);
                DeviceTwin twin = new DeviceTwin(deviceId, Json.object(), Json.object(), 1, Json.object(), 1, 1,
                        Ids.etag());
                if (store.insertModule(hub, created, twin)) {
                    eventSources.identityCreated(hub, deviceId, moduleId, () -> TwinService.render(created, twin));
                    return new Put(created, true);
                }
                if (store.device(hub, deviceId).isEmpty()) {
                    throw HubError.deviceNotFound(deviceId);
                }
            } else {
                HubModule old = existing.get();
                if (createOnly) {
                    throw new HubError(HubErrorCode.MODULE_ALREADY_EXISTS_ON_DEVICE, "Module " + moduleId
                            + " already exists on device " + deviceId + ".");
                }
                if (!IfMatch.isAny(ifMatch) && !IfMatch.matches(ifMatch, old.etag())) {
                    throw HubError.preconditionFailed("Module " + moduleId + " etag does not match.");
                }
                HubModule updated = requested.replacing(old, Ids.etag(), auth);
                if (store.replaceModule(hub, updated, old.etag())) {
                    return new Put(updated, false);
                }
            }
        }
        throw HubError.changedConcurrently("Module " + moduleId + " on device " + deviceId);
    }

    /** Deletes a module and its twin; {@code ifMatch} null or "*" = unconditional, else the etag must match (412). */
    public void deleteModule(String hub, String deviceId, String moduleId, String ifMatch) {
        for (int attempt = 0; attempt < DeviceRegistry.MAX_ATTEMPTS; attempt++) {
            HubModule existing = module(hub, deviceId, moduleId);
            if (!IfMatch.isAny(ifMatch) && !IfMatch.matches(ifMatch, existing.etag())) {
                throw HubError.preconditionFailed("Module " + moduleId + " etag does not match.");
            }
            Optional<DeviceTwin> twin = eventSources.wantsLifecycle(hub)
                    ? store.moduleTwin(hub, deviceId, moduleId) : Optional.empty();
            if (store.deleteModule(hub, deviceId, moduleId, existing.etag())) {
                eventSources.identityDeleted(hub, deviceId, moduleId,
                        () -> twin.map(t -> TwinService.render(existing, t)).orElse(null));
                return;
            }
        }
        throw HubError.changedConcurrently("Module " + moduleId + " on device " + deviceId);
    }

    /** 404010 for a module missing on a registered device, 404001 when the device itself is missing. */
    private HubError missing(String hub, String deviceId, String moduleId) {
        return store.device(hub, deviceId).isPresent() ? HubError.moduleNotFound(deviceId, moduleId)
                : HubError.deviceNotFound(deviceId);
    }

    static String requireValidModuleId(String moduleId) {
        if (moduleId == null || !MODULE_ID.matcher(moduleId).matches()) {
            throw HubError.argumentInvalid("The moduleId '" + printable(moduleId) + "' is invalid: up to 128 letters,"
                    + " digits and - . + % _ # * ? ! ( ) , : = @ $ ' are allowed.");
        }
        return moduleId;
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
