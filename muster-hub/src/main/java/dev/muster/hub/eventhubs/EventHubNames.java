package dev.muster.hub.eventhubs;

import dev.muster.core.hub.events.EventStream;

/**
 * The Event Hub name a built-in hub answers to on its Event Hubs-compatible endpoint (the {@code EntityPath} of its
 * connection string). Azure gives the built-in endpoint a generated name; Muster names it after the hub: the host's
 * first DNS label, as IoT Hub names itself ({@code myhub} for {@code myhub.example.com}), or the whole host when the
 * host is an IP address (a label of an address means nothing). The full host name is accepted too, so either form of
 * connection string works. Names compare case-insensitively, as Event Hubs names do.
 */
public final class EventHubNames {
    /**
     * The IoT Hub built-in endpoint's own path on the hub host (DOC-AMQP). Azure answers it with amqp:link:redirect
     * to the Event Hubs address; Muster serves the same stream under it directly (unconfirmed whether any current SDK
     * still uses the path).
     */
    static final String IOT_HUB_EVENTS = "messages/events";

    private EventHubNames() {}

    /** The name to put in {@code EntityPath} for the hub at {@code host} (the stream's own rule). */
    public static String of(String host) {
        return EventStream.eventHubName(host);
    }

    /** Whether a client naming {@code entity} means the Event Hub of the hub at {@code host}. */
    static boolean matches(String host, String entity) {
        return entity != null && (entity.equalsIgnoreCase(of(host)) || entity.equalsIgnoreCase(host)
                || entity.equalsIgnoreCase(IOT_HUB_EVENTS));
    }
}
