package dev.muster.hub;

import dev.muster.hub.connections.DeviceConnections;
import dev.muster.hub.methods.DirectMethods;

/**
 * What the built-in hubs know of devices connected now, whichever node holds them: connection state and the direct
 * methods they can take. The device transports feed it; the registry and the service API read it.
 */
public record LiveDevices(DeviceConnections connections, DirectMethods methods) {}
