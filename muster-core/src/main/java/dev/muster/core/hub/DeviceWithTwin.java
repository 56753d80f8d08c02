package dev.muster.core.hub;

/** A device identity read together with its twin, as registry queries evaluate them. */
public record DeviceWithTwin(HubDevice device, DeviceTwin twin) {}
