package dev.muster.hub;

import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;

/**
 * How a stored device or module identity is shown: with what the registry does not store in its document, such as
 * its current connection state. The registry, twins and queries all show identities through the same view.
 */
public interface DeviceView {
    /** Identities as stored (a hub whose connections are not tracked: tests, the benchmark's in-process hub). */
    DeviceView AS_STORED = new DeviceView() {
        @Override
        public HubDevice present(String hub, HubDevice stored) {
            return stored;
        }

        @Override
        public HubModule presentModule(String hub, HubModule stored) {
            return stored;
        }
    };

    HubDevice present(String hub, HubDevice stored);

    /** {@link #present} for a page of devices (a view that reads a store does it in one read). */
    default java.util.List<HubDevice> presentAll(String hub, java.util.List<HubDevice> stored) {
        return stored.stream().map(d -> present(hub, d)).toList();
    }

    HubModule presentModule(String hub, HubModule stored);
}
