package dev.muster.core.testing;

import dev.muster.core.hub.routing.EndpointOutbox;
import org.junit.jupiter.api.BeforeEach;

/** The outbox contract on the in-memory store. */
class InMemoryEndpointOutboxTest implements EndpointOutboxContract {
    private EndpointOutbox outbox;

    @BeforeEach
    void emptyOutbox() {
        outbox = new InMemoryEndpointOutbox();
    }

    @Override
    public EndpointOutbox endpointOutbox() {
        return outbox;
    }
}
