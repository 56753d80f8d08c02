package dev.muster.core.hub.routing;

/**
 * A custom endpoint routes can send messages to (the built-in {@code events} endpoint is not one: it is always there).
 * Names are unique per hub and case-sensitive, as IoT Hub's endpoint names.
 */
public sealed interface RouteEndpoint permits WebhookEndpoint, KafkaEndpoint {
    /** The name IoT Hub reserves for the built-in Event Hubs-compatible endpoint. */
    String BUILT_IN_EVENTS = "events";

    String name();
}
