package dev.muster.hub.mqtt;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PUBACKs of one connection's telemetry: each sent once its message is durable, and in the order the PUBLISHes
 * came (MQTT 3.1.1 §4.6), whatever order the store finishes them in. QoS 0 messages are ingested the same way but
 * never acknowledged. A message the hub could not take (too large, the store failed) closes the connection, as
 * IoT Hub does: MQTT 3.1.1 has no negative acknowledgement, and the device resends what was not acknowledged.
 * Used on the connection's context only.
 */
final class TelemetryAcks {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryAcks.class);

    private final MqttEndpoint endpoint;
    private final Context context;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    private static final class Pending {
        final int packetId;
        final boolean acknowledge;
        boolean durable;

        Pending(int packetId, boolean acknowledge) {
            this.packetId = packetId;
            this.acknowledge = acknowledge;
        }
    }

    TelemetryAcks(MqttEndpoint endpoint, Context context) {
        this.endpoint = endpoint;
        this.context = context;
    }

    void track(MqttPublishMessage msg, CompletionStage<Void> stored) {
        Pending p = new Pending(msg.messageId(), msg.qosLevel() == MqttQoS.AT_LEAST_ONCE);
        pending.add(p);
        stored.whenComplete((v, failure) -> context.runOnContext(x -> settled(p, failure)));
    }

    private void settled(Pending p, Throwable failure) {
        if (failure != null) {
            LOG.info("telemetry of MQTT client {} not taken ({}); closing its connection", endpoint.clientIdentifier(),
                    failure.getMessage());
            pending.clear();
            if (endpoint.isConnected()) {
                endpoint.close();
            }
            return;
        }
        p.durable = true;
        while (!pending.isEmpty() && pending.peek().durable) {
            Pending head = pending.poll();
            if (head.acknowledge && endpoint.isConnected()) {
                endpoint.publishAcknowledge(head.packetId);
            }
        }
    }
}
