package dev.muster.hub.eventhubs;

import io.vertx.core.Vertx;

/** What the Event Hubs links need of the AMQP connection they are on (the hub listener's own connection). */
public interface EventHubsPeer {
    /** The hub host the connection's Open named. */
    String hub();

    /**
     * Whether a valid service token put on {@code $cbs} covers {@code resource} ({@code {hub}/{entity path}}); with
     * null, whether any valid service token of the hub was put.
     */
    boolean serviceGranted(String resource);

    /** Runs on the connection's context (now, when already on it). */
    void onContext(Runnable work);

    Vertx vertx();
}
