package dev.muster.hub;

import java.time.Instant;
import java.util.Map;

/** A device-to-cloud message as the hub received it. */
public record TelemetryMessage(String hub, String deviceId, Instant enqueuedTime, Map<String, String> properties,
                               byte[] body) {}
