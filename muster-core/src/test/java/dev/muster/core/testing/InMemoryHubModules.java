package dev.muster.core.testing;

import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubModule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The module identities and module twins of {@link InMemoryStore}, by hub key and device ID. Not thread-safe on its
 * own: the store calls it under its lock, after checking the device exists.
 */
final class InMemoryHubModules {
    private record Entry(HubModule module, DeviceTwin twin) {}

    private final Map<String, Map<String, TreeMap<String, Entry>>> byHub = new HashMap<>();

    Optional<HubModule> module(String hubKey, String deviceId, String moduleId) {
        return Optional.ofNullable(onDevice(hubKey, deviceId).get(moduleId)).map(e -> InMemoryStore.copy(e.module()));
    }

    List<HubModule> modules(String hubKey, String deviceId) {
        List<HubModule> out = new ArrayList<>();
        onDevice(hubKey, deviceId).values().forEach(e -> out.add(InMemoryStore.copy(e.module())));
        return out;
    }

    boolean insert(String hubKey, HubModule module, DeviceTwin twin) {
        String moduleId = Objects.requireNonNull(module.moduleId(), "moduleId");
        if (!module.deviceId().equals(twin.deviceId())) {
            throw new IllegalArgumentException("the twin of module " + moduleId + " names device " + twin.deviceId());
        }
        return onDevice(hubKey, module.deviceId())
                .putIfAbsent(moduleId, new Entry(InMemoryStore.copy(module), InMemoryStore.copy(twin))) == null;
    }

    boolean replace(String hubKey, HubModule module, String expectedEtag) {
        TreeMap<String, Entry> modules = onDevice(hubKey, module.deviceId());
        Entry current = modules.get(module.moduleId());
        if (current == null || !Objects.equals(current.module().etag(), expectedEtag)) {
            return false;
        }
        modules.put(module.moduleId(), new Entry(InMemoryStore.copy(module), current.twin()));
        return true;
    }

    boolean delete(String hubKey, String deviceId, String moduleId, String expectedEtag) {
        TreeMap<String, Entry> modules = onDevice(hubKey, deviceId);
        Entry current = modules.get(moduleId);
        if (current == null || expectedEtag != null && !expectedEtag.equals(current.module().etag())) {
            return false;
        }
        modules.remove(moduleId);
        return true;
    }

    Optional<DeviceTwin> twin(String hubKey, String deviceId, String moduleId) {
        return Optional.ofNullable(onDevice(hubKey, deviceId).get(moduleId)).map(e -> InMemoryStore.copy(e.twin()));
    }

    boolean replaceTwin(String hubKey, String moduleId, DeviceTwin twin, long expectedVersion) {
        TreeMap<String, Entry> modules = onDevice(hubKey, twin.deviceId());
        Entry current = modules.get(moduleId);
        if (current == null || current.twin().version() != expectedVersion) {
            return false;
        }
        modules.put(moduleId, new Entry(current.module(), InMemoryStore.copy(twin)));
        return true;
    }

    /** The hub's modules with twins after (device, module), in that order, as the JDBC store pages them. */
    List<dev.muster.core.hub.ModuleWithTwin> withTwinsAfter(String hubKey, String afterDeviceId, String afterModuleId,
                                                           int limit) {
        List<dev.muster.core.hub.ModuleWithTwin> out = new ArrayList<>();
        new TreeMap<>(byHub.getOrDefault(hubKey, Map.of())).forEach((deviceId, modules) -> modules.forEach((id, e) -> {
            int byDevice = afterDeviceId == null ? 1 : deviceId.compareTo(afterDeviceId);
            if (out.size() < limit && (byDevice > 0 || byDevice == 0 && id.compareTo(afterModuleId) > 0)) {
                out.add(new dev.muster.core.hub.ModuleWithTwin(InMemoryStore.copy(e.module()),
                        InMemoryStore.copy(e.twin())));
            }
        }));
        return out;
    }

    /** The device is gone: so are its modules. */
    void deviceDeleted(String hubKey, String deviceId) {
        Map<String, TreeMap<String, Entry>> devices = byHub.get(hubKey);
        if (devices != null) {
            devices.remove(deviceId);
        }
    }

    private TreeMap<String, Entry> onDevice(String hubKey, String deviceId) {
        return byHub.computeIfAbsent(hubKey, k -> new HashMap<>()).computeIfAbsent(deviceId, k -> new TreeMap<>());
    }
}
