package dev.muster.hub.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.TwinService;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's twin links on {@code /devices/{d}/twin} (reference §5): requests arrive on the device's sender link, and
 * the answer to each leaves on the receiver link of the same channel (the pair shares
 * {@code com.microsoft:channel-correlation-id}). Operations: {@code GET} the twin, {@code PATCH /properties/reported},
 * {@code PUT}/{@code DELETE /notifications/twin/properties/desired} (desired-property pushes on, off). Used on the
 * connection's context only.
 */
final class DeviceTwinLinks {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceTwinLinks.class);
    static final Symbol CHANNEL = Symbol.valueOf("com.microsoft:channel-correlation-id");
    static final String REPORTED = "/properties/reported";
    static final String DESIRED_NOTIFICATIONS = "/notifications/twin/properties/desired";
    private static final int CREDIT = 10;

    private final DeviceSession session;
    private final Map<String, Channel> channels = new HashMap<>();

    /** One request/answer pair of links. */
    private static final class Channel {
        ProtonReceiver requests;
        ProtonSender replies;
        /** Answers ready before the device attached its receiver. */
        final ArrayDeque<Message> unsent = new ArrayDeque<>();
        boolean desired;
    }

    DeviceTwinLinks(DeviceSession session) {
        this.session = session;
    }

    /** The link's channel name; links without one (not an SDK's) pair with each other. */
    static String channelOf(ProtonLink<?> link) {
        Map<Symbol, Object> props = link.getRemoteProperties();
        Object channel = props == null ? null : props.get(CHANNEL);
        return channel == null ? "" : channel.toString();
    }

    void requests(ProtonReceiver receiver) {
        String name = channelOf(receiver);
        Channel c = channels.computeIfAbsent(name, n -> new Channel());
        c.requests = receiver;
        receiver.setAutoAccept(false);
        receiver.setPrefetch(CREDIT);
        receiver.handler((delivery, message) -> request(c, delivery, message));
        session.attach(DeviceLink.of(receiver, () -> {
            c.requests = null;
            forgetIfIdle(name, c);
        }));
    }

    void replies(ProtonSender sender) {
        String name = channelOf(sender);
        Channel c = channels.computeIfAbsent(name, n -> new Channel());
        c.replies = sender;
        session.attach(DeviceLink.of(sender, () -> {
            c.replies = null;
            c.desired = false;
            subscriptionChanged();
            forgetIfIdle(name, c);
        }));
        while (!c.unsent.isEmpty()) {
            sender.send(c.unsent.poll(), d -> { });
        }
    }

    private void forgetIfIdle(String name, Channel c) {
        if (c.requests == null && c.replies == null) {
            channels.remove(name, c);
        }
    }

    private void request(Channel c, ProtonDelivery delivery, Message message) {
        if (!session.authorized()) {
            delivery.disposition(AmqpLinks.rejected(AmqpLinks.unauthorized("The device's token has expired;"
                    + " put a new one on $cbs.")), true);
            return;
        }
        DeviceAmqpMessages.TwinRequest r;
        try {
            r = DeviceAmqpMessages.twinRequest(message);
        } catch (HubError e) {
            delivery.disposition(AmqpLinks.rejected(e), true);
            return;
        }
        delivery.disposition(Accepted.getInstance(), true);
        session.noteActivity();
        LOG.debug("twin {} {} of {} (correlation-id {})", r.operation(), r.resource(), session.key(), r.correlationId());
        ConnectionKey key = session.key();
        TwinService twins = session.devices().options().hub().twins();
        String resource = r.resource() == null ? "" : r.resource();
        switch (r.operation()) {
            case "GET" -> answer(c, r, () -> {
                ObjectNode doc = (key.isModule() ? twins.moduleTwinDocument(key.hub(), key.deviceId(), key.moduleId())
                        : twins.deviceTwinDocument(key.hub(), key.deviceId()))
                        .orElseThrow(() -> key.isModule() ? HubError.moduleNotFound(key.deviceId(), key.moduleId())
                                : HubError.deviceNotFound(key.deviceId()));
                return new Answer(200, null, Json.write(doc).getBytes(StandardCharsets.UTF_8));
            });
            case "PATCH" -> {
                if (!resource.equalsIgnoreCase(REPORTED)) {
                    refuse(c, r, "PATCH takes resource " + REPORTED + ", not '" + resource + "'.");
                    return;
                }
                answer(c, r, () -> {
                    JsonNode patch = Json.tree(new String(r.body(), StandardCharsets.UTF_8));
                    long version = key.isModule()
                            ? twins.patchModuleReported(key.hub(), key.deviceId(), key.moduleId(), patch)
                            : twins.patchReported(key.hub(), key.deviceId(), patch);
                    return new Answer(204, version, new byte[0]);
                });
            }
            case "PUT", "DELETE" -> {
                if (!resource.equalsIgnoreCase(DESIRED_NOTIFICATIONS)) {
                    refuse(c, r, r.operation() + " takes resource " + DESIRED_NOTIFICATIONS + ", not '"
                            + resource + "'.");
                    return;
                }
                c.desired = r.operation().equals("PUT");
                subscriptionChanged();
                reply(c, DeviceAmqpMessages.twinResponse(r.correlationId(), 200, null, new byte[0]));
            }
            default -> refuse(c, r, "Unknown twin operation '" + r.operation() + "'; use GET, PATCH, PUT or DELETE.");
        }
    }

    /** A request's outcome: the status, the version to report (reported patches), the body. */
    private record Answer(int status, Long version, byte[] body) {}

    private void answer(Channel c, DeviceAmqpMessages.TwinRequest r, Callable<Answer> work) {
        session.devices().options().blocking().run(work).onComplete(ar -> session.onContext(() -> {
            if (ar.succeeded()) {
                Answer a = ar.result();
                reply(c, DeviceAmqpMessages.twinResponse(r.correlationId(), a.status(), a.version(), a.body()));
                return;
            }
            HubError e = asHubError(ar.cause());
            reply(c, DeviceAmqpMessages.twinResponse(r.correlationId(), e.httpStatus(), null,
                    DeviceAmqpMessages.twinError(e)));
        }));
    }

    private static HubError asHubError(Throwable failure) {
        if (failure instanceof HubError h) {
            return h;
        }
        if (failure instanceof ProvisioningException p) {
            return new HubError(p.httpStatus() == 404 ? HubErrorCode.DEVICE_NOT_FOUND
                    : p.httpStatus() < 500 ? HubErrorCode.ARGUMENT_INVALID : HubErrorCode.SERVER_ERROR, p.getMessage());
        }
        LOG.error("a twin request over AMQP failed", failure);
        return new HubError(HubErrorCode.SERVER_ERROR, "Internal error; see the server log.");
    }

    private void refuse(Channel c, DeviceAmqpMessages.TwinRequest r, String why) {
        HubError e = HubError.argumentInvalid(why);
        reply(c, DeviceAmqpMessages.twinResponse(r.correlationId(), 400, null, DeviceAmqpMessages.twinError(e)));
    }

    private void reply(Channel c, Message m) {
        LOG.debug("twin answer to {} (correlation-id {}) {}", session.key(), m.getCorrelationId(),
                c.replies != null && c.replies.isOpen() ? "sent" : "kept until the device's receiver attaches");
        if (c.replies != null && c.replies.isOpen()) {
            c.replies.send(m, d -> { });
        } else {
            c.unsent.add(m);
        }
    }

    private void subscriptionChanged() {
        boolean any = channels.values().stream().anyMatch(ch -> ch.desired && ch.replies != null);
        session.devices().desiredSubscription(session.key(), this, any);
    }

    /** A desired-properties change of this device, from any thread: pushed on every channel subscribed to it. */
    void pushLater(ObjectNode patch) {
        session.onContext(() -> push(patch));
    }

    private void push(ObjectNode patch) {
        if (session.ended()) {
            return;
        }
        for (Channel c : channels.values()) {
            if (c.desired && c.replies != null && c.replies.isOpen()) {
                c.replies.send(DeviceAmqpMessages.desiredPush(patch), d -> { });
            }
        }
    }
}
