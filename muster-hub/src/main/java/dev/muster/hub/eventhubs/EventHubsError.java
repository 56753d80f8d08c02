package dev.muster.hub.eventhubs;

import org.apache.qpid.proton.amqp.Symbol;

/**
 * A refusal in the terms the Event Hubs SDKs map to their exceptions: an AMQP error condition and Azure's wording.
 * Java treats {@code amqp:not-found} as final only when the description says "The messaging entity ... could not be
 * found" (otherwise it retries), so {@link #entityNotFound} keeps that wording.
 */
final class EventHubsError extends RuntimeException {
    static final Symbol NOT_FOUND = Symbol.valueOf("amqp:not-found");
    static final Symbol ARGUMENT_ERROR = Symbol.valueOf("com.microsoft:argument-error");
    static final Symbol ARGUMENT_OUT_OF_RANGE = Symbol.valueOf("com.microsoft:argument-out-of-range");
    /** What Event Hubs detaches a receiver with when another takes its partition (Java LINK_STOLEN, JS ReceiverDisconnectedError). */
    static final Symbol LINK_STOLEN = Symbol.valueOf("amqp:link:stolen");
    static final Symbol UNAUTHORIZED = Symbol.valueOf("amqp:unauthorized-access");

    private final Symbol condition;

    EventHubsError(Symbol condition, String description) {
        super(description);
        this.condition = condition;
    }

    Symbol condition() {
        return condition;
    }

    static EventHubsError entityNotFound(String entity) {
        return new EventHubsError(NOT_FOUND, "The messaging entity '" + entity + "' could not be found.");
    }

    static EventHubsError argument(String description) {
        return new EventHubsError(ARGUMENT_ERROR, description);
    }
}
