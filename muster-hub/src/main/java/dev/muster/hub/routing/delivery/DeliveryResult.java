package dev.muster.hub.routing.delivery;

/** What one delivery attempt of one outbox entry came to. */
public sealed interface DeliveryResult {
    /** The endpoint took the message: it leaves the outbox. */
    record Delivered() implements DeliveryResult {}

    /** A failure that may pass (the endpoint is down, slow, overloaded): try again after back-off. */
    record Retry(String error) implements DeliveryResult {}

    /** The endpoint refused this message in a way retrying will not change: dead-letter it now. */
    record Rejected(String error) implements DeliveryResult {}

    DeliveryResult DELIVERED = new Delivered();
}
