package dev.muster.hub.c2d;

import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.transport.Blocking;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks a device queue's next message for one delivering link: one store read at a time (a busy store must not pile
 * reads up on the worker pool), and a wake-up that arrives during a read is not lost: another read follows if that
 * one found nothing. Call {@link #read} on the link's context; its callbacks run there too.
 */
public final class NextMessageReader {
    private static final Logger LOG = LoggerFactory.getLogger(NextMessageReader.class);

    private final CloudToDeviceQueue queue;
    private final DeviceQueue owner;
    private final Blocking blocking;
    private final Consumer<Runnable> onContext;
    private boolean reading;
    private boolean again;

    /** @param onContext runs work on the link's context */
    public NextMessageReader(CloudToDeviceQueue queue, DeviceQueue owner, Blocking blocking,
                             Consumer<Runnable> onContext) {
        this.queue = queue;
        this.owner = owner;
        this.blocking = blocking;
        this.onContext = onContext;
    }

    /**
     * Locks the next message and hands it to {@code got}, then calls {@code more} (there may be another); with
     * nothing in the queue, calls {@code more} only if a read was asked for meanwhile.
     */
    public void read(Consumer<CloudToDeviceMessage> got, Runnable more) {
        if (reading) {
            again = true;
            return;
        }
        reading = true;
        again = false;
        blocking.run(() -> queue.next(owner)).onComplete(ar -> onContext.accept(() -> {
            reading = false;
            if (ar.failed()) {
                LOG.warn("could not read the cloud-to-device queue of {}: {}", owner, ar.cause().toString());
            } else if (ar.result().isPresent()) {
                got.accept(ar.result().get());
                more.run();
            } else if (again) {
                more.run();
            }
        }));
    }
}
