package dev.muster.cli.bench;

import dev.muster.core.sas.SasSigner;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

/**
 * The cloud-to-device workload of a built-in hub: a back end sends messages over AMQP to {@code /messages/devicebound}
 * (one connection, CBS with the hub's policy, one sender link, as the service SDKs' messaging client) and a fleet of
 * devices connected over MQTT receives them at QoS 1 (their PUBACK completes each message). One job is one message,
 * from the send to the device holding it: queued in the store, found for the device, delivered.
 */
public final class HubCloudToDeviceWorkload implements AutoCloseable {
    private final InFlightJobs inFlight = new InFlightJobs();
    private final HubFleet fleet;
    private ProtonSender sender;
    private Context amqpContext;

    private HubCloudToDeviceWorkload(HubFleet.Options o) throws Exception {
        this.fleet = HubFleet.open(o, "devices/{id}/messages/devicebound/#", 1, (device, m) -> {
            inFlight.arrived(messageId(m.topicName()));
        });
    }

    /** Creates and connects the fleet, then the back end's AMQP link to {@code amqpPort}; blocks until all are ready. */
    public static HubCloudToDeviceWorkload open(HubFleet.Options fleet, int amqpPort) throws Exception {
        HubCloudToDeviceWorkload w = new HubCloudToDeviceWorkload(fleet.as("c2d"));
        try {
            w.connectBackEnd(fleet.caPem(), amqpPort);
        } catch (Exception e) {
            w.close();
            throw e;
        }
        return w;
    }

    private void connectBackEnd(Path caPem, int amqpPort) throws Exception {
        Promise<ProtonSender> ready = Promise.promise();
        ProtonClientOptions options = new ProtonClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(caPem.toString()))
                .addEnabledSaslMechanism("ANONYMOUS");
        String host = fleet.hub().hostName();
        ProtonClient.create(fleet.vertx()).connect(options, host, amqpPort, ar -> {
            if (ar.failed()) {
                ready.fail(ar.cause());
                return;
            }
            ProtonConnection c = ar.result().setHostname(host);
            c.openHandler(opened -> putToken(c, ready)).open();
        });
        sender = ready.future().await(30, TimeUnit.SECONDS);
    }

    /** CBS put-token with the hub policy's token, then the sender link to {@code /messages/devicebound}. */
    private void putToken(ProtonConnection c, Promise<ProtonSender> ready) {
        amqpContext = io.vertx.core.Vertx.currentContext();
        String token = SasSigner.sign(fleet.hub().hostName(), fleet.hub().key(), fleet.hub().keyName(),
                Instant.now().plusSeconds(3600).getEpochSecond());
        c.createReceiver("$cbs").handler((delivery, reply) -> {
            Object status = reply.getApplicationProperties() == null ? null
                    : reply.getApplicationProperties().getValue().get("status-code");
            if (!(status instanceof Number n) || n.intValue() != 200) {
                ready.tryFail("the hub refused the policy's token: " + status);
                return;
            }
            ProtonSender s = c.createSender("/messages/devicebound");
            s.openHandler(linked -> {
                if (linked.succeeded()) {
                    ready.tryComplete(s);
                } else {
                    ready.tryFail(linked.cause());
                }
            }).open();
        }).open();
        ProtonSender cbs = c.createSender("$cbs");
        cbs.openHandler(opened -> {
            Message put = Message.Factory.create();
            put.setMessageId(UUID.randomUUID());
            put.setAddress("$cbs");
            put.setReplyTo("cbs");
            put.setApplicationProperties(new ApplicationProperties(Map.of("operation", "put-token",
                    "type", "servicebus.windows.net:sastoken", "name", fleet.hub().hostName())));
            put.setBody(new AmqpValue(token));
            cbs.send(put);
        }).open();
    }

    /** Job {@code i} sends one message to device {@code i} modulo the fleet. */
    public IntFunction<Job> jobs() {
        return i -> (recorder, originNanos, finished) -> {
            String id = fleet.deviceIds().get(i % fleet.deviceIds().size());
            String messageId = "bench-" + i + "-" + UUID.randomUUID();
            inFlight.started(messageId, recorder, originNanos, finished);
            amqpContext.runOnContext(v -> {
                Message m = Message.Factory.create();
                m.setAddress("/devices/" + id + "/messages/devicebound");
                m.setMessageId(messageId);
                m.setApplicationProperties(new ApplicationProperties(Map.of("iothub-ack", "none", "n",
                        Integer.toString(i))));
                m.setBody(new Data(new Binary(("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8))));
                sender.send(m, delivery -> {
                    if (!(delivery.getRemoteState() instanceof Accepted)) {
                        inFlight.failed(messageId, "c2d-" + delivery.getRemoteState());
                    }
                });
            });
        };
    }

    /** The {@code $.mid} of a devicebound topic's property bag, or null. */
    static String messageId(String topic) {
        int at = topic.indexOf("%24.mid=");
        if (at < 0) {
            return null;
        }
        int end = topic.indexOf('&', at);
        return java.net.URLDecoder.decode(topic.substring(at + 8, end < 0 ? topic.length() : end),
                StandardCharsets.UTF_8);
    }

    public int fleetSize() {
        return fleet.deviceIds().size();
    }

    @Override
    public void close() {
        fleet.close();
    }
}
