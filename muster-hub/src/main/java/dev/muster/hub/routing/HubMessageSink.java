package dev.muster.hub.routing;

import dev.muster.core.hub.events.EventContent;
import java.util.concurrent.CompletionStage;

/** Where the hub's own messages (twin changes, lifecycle and connection-state events) enter: the hub's ingest. */
@FunctionalInterface
public interface HubMessageSink {
    CompletionStage<Void> accept(String hub, String deviceId, EventContent message);
}
