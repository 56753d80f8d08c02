package dev.muster.hub.amqp;

import io.vertx.proton.ProtonLink;

/** One of a device session's links, told when it is gone (detached by either side, or its connection lost). */
interface DeviceLink {
    ProtonLink<?> link();

    /** Releases what the link holds; called once, on the connection's context. */
    void closed();

    /** A link that holds nothing of its own but {@code onClosed}, what to forget when it goes. */
    static DeviceLink of(ProtonLink<?> link, Runnable onClosed) {
        return new DeviceLink() {
            @Override
            public ProtonLink<?> link() {
                return link;
            }

            @Override
            public void closed() {
                onClosed.run();
            }
        };
    }
}
