package dev.muster.hub.mqtt;

import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.hub.c2d.CloudToDeviceListener;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.transport.Blocking;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud-to-device messages to devices connected over MQTT (reference §2.5). Once a device subscribes to its
 * devicebound topic, its queue's messages are published at QoS 1, at most {@link #WINDOW} unacknowledged at a time,
 * in queue order; the device's PUBACK completes a message. When the connection ends, messages it still held go back to
 * the queue at once. New messages arrive by {@link #messageAvailable} (sent on this node, or found by the relay).
 * All state of one subscription is touched on its connection's context only.
 */
public final class MqttCloudToDevice implements CloudToDeviceListener {
    private static final Logger LOG = LoggerFactory.getLogger(MqttCloudToDevice.class);
    /** Messages a device may hold unacknowledged; Azure's SDKs settle each one after its callback returns. */
    static final int WINDOW = 8;

    private final CloudToDeviceQueue queue;
    private final Blocking blocking;
    private final Map<DeviceQueue, Outbox> outboxes = new ConcurrentHashMap<>();
    private final Map<MqttEndpoint, List<Outbox>> byEndpoint = new ConcurrentHashMap<>();

    public MqttCloudToDevice(CloudToDeviceQueue queue, Blocking blocking) {
        this.queue = queue;
        this.blocking = blocking;
        queue.addListener(this);
    }

    /** The device subscribed to {@code filter}; starts delivery when it is a devicebound subscription. */
    public void subscribed(String hub, String filter, MqttEndpoint endpoint, Context context) {
        DeviceQueue q = DeviceboundTopic.subscribedQueue(hub, filter);
        if (q == null) {
            return;
        }
        Outbox box = new Outbox(q, endpoint, context);
        Outbox previous = outboxes.put(q, box);
        if (previous != null && previous.endpoint == endpoint) {
            // Subscribed again on the same connection: keep the one outbox and what it holds.
            outboxes.put(q, previous);
            previous.pull();
            return;
        }
        byEndpoint.computeIfAbsent(endpoint, e -> new CopyOnWriteArrayList<>()).add(box);
        box.pull();
    }

    /** A PUBACK from the device: the message with that packet id is complete. */
    public void acknowledged(MqttEndpoint endpoint, int packetId) {
        for (Outbox box : byEndpoint.getOrDefault(endpoint, List.of())) {
            box.acknowledged(packetId);
        }
    }

    /** The connection ended: what it held goes back to the queue. */
    public void closed(MqttEndpoint endpoint) {
        List<Outbox> boxes = byEndpoint.remove(endpoint);
        if (boxes == null) {
            return;
        }
        for (Outbox box : boxes) {
            outboxes.remove(box.queue, box);
            box.context.runOnContext(v -> box.close());
        }
    }

    @Override
    public void messageAvailable(DeviceQueue q) {
        Outbox box = outboxes.get(q);
        if (box != null) {
            box.context.runOnContext(v -> box.pull());
        }
    }

    /** One device's subscription on one connection. */
    private final class Outbox {
        final DeviceQueue queue;
        final MqttEndpoint endpoint;
        final Context context;
        final Map<Integer, CloudToDeviceMessage> inFlight = new HashMap<>();
        int publishing;
        boolean fetching;
        boolean fetchAgain;
        boolean closed;

        Outbox(DeviceQueue queue, MqttEndpoint endpoint, Context context) {
            this.queue = queue;
            this.endpoint = endpoint;
            this.context = context;
        }

        void pull() {
            if (closed) {
                return;
            }
            if (fetching) {
                fetchAgain = true; // something new arrived while the store was being read
                return;
            }
            if (inFlight.size() + publishing >= WINDOW) {
                return;
            }
            fetching = true;
            fetchAgain = false;
            blocking.run(() -> MqttCloudToDevice.this.queue.next(queue)).onComplete(ar -> context.runOnContext(v -> {
                fetching = false;
                if (ar.failed()) {
                    LOG.warn("could not read the cloud-to-device queue of {}: {}", queue, ar.cause().toString());
                    return;
                }
                if (ar.result().isEmpty()) {
                    if (fetchAgain) {
                        pull();
                    }
                    return;
                }
                publish(ar.result().get());
                pull();
            }));
        }

        private void publish(CloudToDeviceMessage m) {
            if (closed || !endpoint.isConnected()) {
                closed = true; // the close handler follows; until then nothing more is fetched for this connection
                release(m);
                return;
            }
            // Handed out again after its lock ran out unacknowledged: the old packet will never complete it.
            inFlight.values().removeIf(held -> held.id().equals(m.id()));
            publishing++;
            endpoint.publish(DeviceboundTopic.of(m), Buffer.buffer(m.content().body()), MqttQoS.AT_LEAST_ONCE, false,
                    false).onComplete(ar -> {
                publishing--;
                if (ar.succeeded() && !closed) {
                    inFlight.put(ar.result(), m);
                } else {
                    release(m);
                }
            });
        }

        void acknowledged(int packetId) {
            CloudToDeviceMessage m = inFlight.remove(packetId);
            if (m == null) {
                return; // a PUBACK of something else (a desired-property push)
            }
            blocking.run(() -> MqttCloudToDevice.this.queue.complete(m)).onComplete(ar -> {
                if (ar.failed()) {
                    LOG.warn("could not complete a cloud-to-device message of {}: {}", queue, ar.cause().toString());
                }
                context.runOnContext(v -> pull());
            });
        }

        void close() {
            closed = true;
            inFlight.values().forEach(this::release);
            inFlight.clear();
        }

        private void release(CloudToDeviceMessage m) {
            blocking.run(() -> MqttCloudToDevice.this.queue.release(m)).onFailure(e ->
                    LOG.debug("could not put a cloud-to-device message of {} back: {}", queue, e.toString()));
        }
    }
}
