package dev.muster.hub.telemetry;

import dev.muster.core.hub.events.EventContent;
import java.util.concurrent.CompletionStage;

/**
 * Where the hub's transports hand a device's telemetry once it is stamped: the hub's event ingest (routing, the
 * partition by device ID, custom endpoints). The stage completes once the message is durable, and only then does a
 * transport acknowledge it to the device (MQTT PUBACK, AMQP {@code accepted}, HTTPS 204).
 *
 * @see dev.muster.hub.TelemetryBus#receive
 */
@FunctionalInterface
public interface TelemetryIngest {
    /** @param moduleId null for the device itself */
    CompletionStage<Void> ingest(String hub, String deviceId, String moduleId, EventContent content);
}
