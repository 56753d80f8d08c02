package dev.muster.hub;

import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The gateway relation of IoT Edge (device scopes): an edge device owns a scope
 * {@code ms-azure-iot-edge://{deviceId}-{ticks}} made when it becomes an edge device and kept after; a device behind
 * a gateway has that gateway's scope as its {@code deviceScope} and as its only {@code parentScopes} entry; an edge
 * device may itself sit behind one parent edge device (nested edge). A scope that names no edge device of the hub is
 * refused with 400028 InvalidDeviceScope.
 */
final class DeviceScopes {
    static final String PREFIX = "ms-azure-iot-edge://";
    /** .NET ticks (100 ns) between 0001-01-01 and the Unix epoch: Azure's scope suffix counts in them. */
    private static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;

    private final HubStore store;
    private final Clock clock;

    DeviceScopes(HubStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The device with the scopes it is stored with, derived from what was asked and what is stored. */
    HubDevice apply(String hub, HubDevice requested, Optional<HubDevice> existing) {
        List<String> asked = requested.parentScopes() == null ? List.of() : requested.parentScopes();
        if (requested.isEdge()) {
            String own = existing.filter(HubDevice::isEdge).map(HubDevice::deviceScope).filter(s -> !blank(s))
                    .orElseGet(() -> PREFIX + requested.deviceId() + "-" + ticks(clock.instant()));
            if (!blank(requested.deviceScope()) && !requested.deviceScope().equals(own)) {
                throw invalid("The deviceScope of edge device " + requested.deviceId() + " is its own scope, " + own
                        + "; to put it behind a parent edge device set parentScopes.");
            }
            if (asked.size() > 1) {
                throw invalid("An edge device has at most one parent; parentScopes lists " + asked.size() + ".");
            }
            asked.forEach(parent -> requireEdgeScope(hub, parent, requested.deviceId()));
            return requested.withScopes(own, asked);
        }
        String scope = blank(requested.deviceScope()) ? asked.stream().findFirst().orElse(null) : requested.deviceScope();
        if (scope == null) {
            return requested.withScopes(null, List.of());
        }
        if (!asked.isEmpty() && !asked.equals(List.of(scope))) {
            throw invalid("A device that is not an edge device has one parent: parentScopes must be [deviceScope].");
        }
        requireEdgeScope(hub, scope, requested.deviceId());
        return requested.withScopes(scope, List.of(scope));
    }

    private void requireEdgeScope(String hub, String scope, String self) {
        int dash = scope.lastIndexOf('-');
        if (!scope.startsWith(PREFIX) || dash <= PREFIX.length()) {
            throw invalid("'" + scope + "' is not an edge device scope (" + PREFIX + "{deviceId}-{n}).");
        }
        String gateway = scope.substring(PREFIX.length(), dash);
        if (gateway.equals(self)) {
            throw invalid("Device " + self + " cannot be its own parent.");
        }
        Optional<HubDevice> parent = store.device(hub, gateway);
        if (parent.isEmpty() || !parent.get().isEdge() || !scope.equals(parent.get().deviceScope())) {
            throw invalid("The scope '" + scope + "' belongs to no edge device of this hub.");
        }
    }

    private static long ticks(Instant t) {
        return TICKS_AT_EPOCH + t.getEpochSecond() * 10_000_000L + t.getNano() / 100;
    }

    private static HubError invalid(String message) {
        return new HubError(HubErrorCode.INVALID_DEVICE_SCOPE, message);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
