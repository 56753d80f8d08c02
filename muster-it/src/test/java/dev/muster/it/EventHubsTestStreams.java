package dev.muster.it;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.hub.eventhubs.EventHubNames;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The built-in hub's event stream as the Event Hubs tests use it: its connection string for the official Event Hubs
 * clients, and events appended straight to the durable store (as the hub's ingest appends them), which the endpoint's
 * receivers find by polling.
 */
final class EventHubsTestStreams {
    private EventHubsTestStreams() {}

    static String hub() {
        return MusterUnderTest.hub();
    }

    static HubEventStore store() {
        return MusterUnderTest.server().store().events();
    }

    /** The stream exists with the default layout (the hub's ingest may have created it already). */
    static EventStream stream() {
        store().createStream(new EventStream(hub(), EventStream.DEFAULT_PARTITIONS, Instant.now()));
        return store().stream(hub()).orElseThrow();
    }

    static String key() {
        String cs = MusterUnderTest.info().hubs().get(0).connectionString();
        return cs.substring(cs.indexOf("SharedAccessKey=") + "SharedAccessKey=".length());
    }

    /** {@code Endpoint=sb://{host}/;SharedAccessKeyName=iothubowner;SharedAccessKey=…;EntityPath={name}}. */
    static String connectionString(String key) {
        return "Endpoint=sb://" + hub() + "/;SharedAccessKeyName=iothubowner;SharedAccessKey=" + key
                + ";EntityPath=" + EventHubNames.of(hub());
    }

    static String connectionString() {
        return connectionString(key());
    }

    static List<HubEvent> append(int partition, Instant enqueued, List<EventContent> events) {
        stream();
        return store().append(hub(), partition, enqueued, events);
    }

    /**
     * The Java Event Hubs client (proton-j) trusts the JVM's default SSL context only; Muster's CA goes there for the
     * test's length. Returns the previous default to put back.
     */
    static SSLContext trustMuster() throws Exception {
        SSLContext previous = SSLContext.getDefault();
        SSLContext.setDefault(MusterUnderTest.trust());
        return previous;
    }
}
