package dev.muster.hub.c2d;

import dev.muster.core.hub.DeviceQueue;

/**
 * Told when a queue may have something to hand out (a message enqueued or put back here, or seen by the relay as
 * queued by another node) and when a hub's feedback queue grew, so connections deliver without waiting for a poll.
 * Called on whatever thread made the change: implementations hop to their own context.
 */
public interface CloudToDeviceListener {
    void messageAvailable(DeviceQueue queue);

    default void feedbackAvailable(String hub) {}
}
