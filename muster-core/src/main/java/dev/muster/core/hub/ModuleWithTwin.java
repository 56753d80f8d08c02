package dev.muster.core.hub;

/** A module identity read together with its twin, as registry queries over {@code devices.modules} evaluate them. */
public record ModuleWithTwin(HubModule module, DeviceTwin twin) {}
