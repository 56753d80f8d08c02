package dev.muster.hub;

import dev.muster.core.hub.HubDevice;

/**
 * How a stored device identity is shown: with what the registry does not store in the device's document, such as
 * its current connection state. The registry, twins and queries all show devices through the same view.
 */
@FunctionalInterface
public interface DeviceView {
    /** Devices as stored (a hub whose connections are not tracked: tests, the benchmark's in-process hub). */
    DeviceView AS_STORED = (hub, device) -> device;

    HubDevice present(String hub, HubDevice stored);
}
