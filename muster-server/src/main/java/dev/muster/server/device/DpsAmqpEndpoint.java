package dev.muster.server.device;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.core.registration.RegistrationRequest;
import dev.muster.core.registration.RegistrationService;
import dev.muster.server.amqp.AmqpDeviceIdentity;
import dev.muster.server.amqp.DeviceSaslAuthenticator;
import dev.muster.server.amqp.DeviceSaslMechanism;
import dev.muster.server.amqp.DpsLinkAddress;
import dev.muster.server.amqp.PlainMechanism;
import dev.muster.server.amqp.TlsOnlyMechanism;
import dev.muster.server.amqp.TpmMechanism;
import dev.muster.server.http.DpsErrors;
import dev.muster.server.http.FrontDoor;
import dev.muster.transport.Blocking;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global device endpoint over AMQP 1.0 (reference §3): after SASL the device opens one session and two links on
 * its registration address — a sender for requests and a receiver for answers. Each request message names its
 * operation in the application property {@code iotdps-operation-type}; the answer is one message on the receiver link
 * with the same JSON body as HTTPS, in request order (its correlation-id is the request's correlation-id, else its
 * message-id, when it has one).
 * Request deliveries are accepted and settled as they are read, so a refusal travels in the answer body, never as a
 * rejected delivery (the Java SDK turns anything but Accepted into "Failed to send amqp message"). Every request goes to
 * the same registration engine as HTTPS and MQTT, with the same quick-answer budget as {@link DpsMqttEndpoint}.
 *
 * <p>Answers carry application properties {@code status-code} (the HTTP status, int) and, for 202 and throttling,
 * {@code retry-after} (seconds, string). The Java SDK (2.1.3) reads only the body and {@code retry-after}: an error
 * body has no {@code operationId}/{@code status}, so it parses it as ProvisioningServiceErrorDetails and fails the
 * registration at once.
 */
public final class DpsAmqpEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(DpsAmqpEndpoint.class);
    public static final String OPERATION_TYPE = "iotdps-operation-type";
    public static final String OPERATION_ID = "iotdps-operation-id";
    public static final String REGISTER = "iotdps-register";
    public static final String GET_OPERATION_STATUS = "iotdps-get-operationstatus";
    public static final String STATUS_CODE = "status-code";
    public static final String RETRY_AFTER = "retry-after";
    /** Links refuse (detach) messages above this; bodies above {@link FrontDoor#MAX_BODY} are answered 413. */
    static final long MAX_LINK_MESSAGE = 256 * 1024 + 1024;
    /** Requests a device may have unanswered per link (link credit, renewed as answers go out); the SDKs use one. */
    static final int MAX_IN_FLIGHT = 8;
    private static final Symbol API_VERSION = Symbol.valueOf("com.microsoft:api-version");

    private final Vertx vertx;
    private final RegistrationService registrations;
    private final Blocking blocking;
    private final QuickAnswer quickAnswer;

    /**
     * SASL and the listeners are the front door's ({@code server.amqp.AmqpFrontDoor}, which offers
     * {@link #defaultMechanisms}); this serves the connections it hands over.
     */
    public DpsAmqpEndpoint(Vertx vertx, RegistrationService registrations, Blocking blocking, long quickAnswerMillis) {
        this.vertx = vertx;
        this.registrations = registrations;
        this.blocking = blocking;
        this.quickAnswer = new QuickAnswer(registrations, blocking, quickAnswerMillis);
    }

    /** The SASL mechanisms DPS devices use, in preference order. */
    public static List<DeviceSaslMechanism.Factory> defaultMechanisms(RegistrationService registrations,
                                                                      Blocking blocking) {
        return List.of(PlainMechanism.FACTORY, TpmMechanism.factory(registrations, blocking), TlsOnlyMechanism.EXTERNAL,
                TlsOnlyMechanism.ANONYMOUS);
    }

    // ------------------------------------------------------------------------------------------------------------
    // connection, session, links

    /**
     * Takes over a connection whose Open has arrived (the listener's front door decided it is for DPS, not a hub):
     * answers the Open and serves its sessions and links.
     */
    public void serve(ProtonConnection connection) {
        AmqpDeviceIdentity identity = DeviceSaslAuthenticator.identity(connection);
        Conversation c = new Conversation(Vertx.currentContext(), identity);
        connection.closeHandler(ar -> {
            c.closed = true;
            connection.close();
            connection.disconnect();
        });
        connection.disconnectHandler(conn -> {
            c.closed = true;
            c.pending.clear();
            conn.disconnect();
        });
        connection.sessionOpenHandler(session -> {
            session.closeHandler(ar -> session.close());
            session.open();
        });
        connection.receiverOpenHandler(receiver -> requestLink(c, receiver));
        connection.senderOpenHandler(sender -> replyLink(c, sender));
        connection.setContainer("muster-dps").open();
    }

    /** The device's sender link: requests arrive here. */
    private void requestLink(Conversation c, ProtonReceiver receiver) {
        org.apache.qpid.proton.amqp.transport.Target target = receiver.getRemoteTarget();
        ErrorCondition refusal = c.admit(target == null ? null : target.getAddress(), receiver);
        receiver.setSource(receiver.getRemoteSource());
        if (refusal != null) {
            refuse(receiver, refusal);
            return;
        }
        receiver.setTarget(target);
        receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_LINK_MESSAGE));
        receiver.setPrefetch(0);
        receiver.handler((delivery, message) -> request(c, receiver, message));
        receiver.closeHandler(ar -> receiver.close());
        receiver.detachHandler(ar -> receiver.detach());
        receiver.open();
        receiver.flow(MAX_IN_FLIGHT);
    }

    /** The device's receiver link: answers go here. */
    private void replyLink(Conversation c, ProtonSender sender) {
        org.apache.qpid.proton.amqp.transport.Source source = sender.getRemoteSource();
        ErrorCondition refusal = c.admit(source == null ? null : source.getAddress(), sender);
        sender.setTarget(sender.getRemoteTarget());
        if (refusal != null) {
            refuse(sender, refusal);
            return;
        }
        sender.setSource(source);
        sender.closeHandler(ar -> {
            sender.close();
            if (c.replies == sender) {
                c.replies = null;
            }
        });
        sender.detachHandler(ar -> {
            sender.detach();
            if (c.replies == sender) {
                c.replies = null;
            }
        });
        sender.open();
        c.replies = sender;
        c.drain();
    }

    /** Attaches with a null terminus and detaches at once with the error (the AMQP way to refuse a link). */
    private static void refuse(ProtonLink<?> link, ErrorCondition refusal) {
        link.setCondition(refusal);
        link.open();
        link.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // requests

    private void request(Conversation c, ProtonReceiver link, Message message) {
        Promise<Message> answer = Promise.promise();
        // The Node SDK matches answers by the correlation-id it sent; the others send a message-id only.
        c.enqueue(link, message.getCorrelationId() != null ? message.getCorrelationId() : message.getMessageId(),
                answer.future());
        try {
            answer(c, message).onComplete(ar -> {
                if (ar.succeeded()) {
                    answer.tryComplete(ar.result());
                } else {
                    Throwable e = ar.cause();
                    if (!(e instanceof ProvisioningException)) {
                        LOG.error("DPS AMQP request of {} failed", c.identity.registrationId(), e);
                    }
                    answer.tryComplete(error(DpsErrors.refusal(e)));
                }
            });
        } catch (ProvisioningException e) {
            answer.tryComplete(error(e));
        } catch (RuntimeException e) {
            LOG.error("DPS AMQP request of {} failed", c.identity.registrationId(), e);
            answer.tryComplete(error(DpsErrors.refusal(e)));
        }
    }

    private Future<Message> answer(Conversation c, Message message) {
        AmqpDeviceIdentity device = c.identity;
        Object type = property(message, OPERATION_TYPE);
        byte[] body = body(message);
        if (body.length > FrontDoor.MAX_BODY) {
            throw new ProvisioningException(413, 413001, "The request body is larger than 96 KB.");
        }
        if (REGISTER.equals(type)) {
            return register(device, body, c.apiVersion);
        }
        if (GET_OPERATION_STATUS.equals(type)) {
            Object operationId = property(message, OPERATION_ID);
            if (operationId == null || operationId.toString().isEmpty()) {
                throw ProvisioningException.badRequest("A " + GET_OPERATION_STATUS + " request needs the application"
                        + " property " + OPERATION_ID + ".");
            }
            return blocking.run(() -> registrations.operationStatus(device.idScope(), device.registrationId(),
                    operationId.toString(), device.credentials())).map(DpsAmqpEndpoint::result);
        }
        throw ProvisioningException.badRequest(type == null
                ? "The request has no application property " + OPERATION_TYPE + "."
                : "Unknown " + OPERATION_TYPE + " '" + type + "'; expected " + REGISTER + " or " + GET_OPERATION_STATUS + ".");
    }

    /** @param apiVersion the request link's {@code com.microsoft:api-version} (unconfirmed as the CSR gate over AMQP) */
    private Future<Message> register(AmqpDeviceIdentity device, byte[] payload, String apiVersion) {
        JsonNode body;
        String text = new String(payload, StandardCharsets.UTF_8);
        body = text.isBlank() ? null : Json.tree(text);
        if (body != null && !body.isObject()) {
            throw ProvisioningException.badRequest("The registration body must be a JSON object.");
        }
        if (body != null && body.hasNonNull("tpm") && !TpmMechanism.NAME.equals(device.mechanism())) {
            throw ProvisioningException.badRequest("TPM attestation over AMQP uses the TPM SASL mechanism, not a tpm"
                    + " field on a connection authenticated otherwise.");
        }
        RegistrationRequest request = new RegistrationRequest(device.idScope(), device.registrationId(), body,
                device.credentials(), apiVersion);
        return quickAnswer.register(request).map(first -> result(first.status()));
    }

    private static Message result(RegistrationOperationStatus status) {
        return message(DpsReply.of(status));
    }

    static Message error(ProvisioningException e) {
        return message(DpsReply.of(e));
    }

    /** The reply as a JSON data section with {@code status-code} (int) and, when set, {@code retry-after} (string). */
    private static Message message(DpsReply reply) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(STATUS_CODE, reply.status());
        if (reply.retryAfter() != null) {
            properties.put(RETRY_AFTER, reply.retryAfter());
        }
        Message m = Message.Factory.create();
        m.setBody(new Data(new Binary(Json.write(reply.body()).getBytes(StandardCharsets.UTF_8))));
        m.setContentType("application/json");
        m.setContentEncoding("utf-8");
        m.setApplicationProperties(new ApplicationProperties(properties));
        return m;
    }

    private static Object property(Message message, String name) {
        ApplicationProperties p = message.getApplicationProperties();
        Object value = p == null || p.getValue() == null ? null : p.getValue().get(name);
        return value == null ? null : value.toString();
    }

    /** The request body: a data section (the SDKs), or an AMQP string/binary value; empty when absent. */
    private static byte[] body(Message message) {
        Section body = message.getBody();
        Binary binary = null;
        if (body instanceof Data d) {
            binary = d.getValue();
        } else if (body instanceof AmqpValue v && v.getValue() instanceof Binary b) {
            binary = b;
        } else if (body instanceof AmqpValue v && v.getValue() instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        } else if (body != null && !(body instanceof AmqpValue v && v.getValue() == null)) {
            throw ProvisioningException.badRequest("The request body must be a data section with JSON.");
        }
        if (binary == null) {
            return new byte[0];
        }
        byte[] out = new byte[binary.getLength()];
        System.arraycopy(binary.getArray(), binary.getArrayOffset(), out, 0, binary.getLength());
        return out;
    }

    // ------------------------------------------------------------------------------------------------------------

    /** Per-connection state: who the device is, its answer link, and the answers still owed in request order. */
    private static final class Conversation {
        private final Context context;
        private AmqpDeviceIdentity identity;
        private ProtonSender replies;
        /** The api-version the device's links announced (the SDKs send the same on both). */
        private String apiVersion;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private boolean closed;

        Conversation(Context context, AmqpDeviceIdentity identity) {
            this.context = context;
            this.identity = identity;
        }

        /** Null when the link may be attached, else why not. */
        ErrorCondition admit(String address, ProtonLink<?> link) {
            DpsLinkAddress device = DpsLinkAddress.parse(address);
            if (device == null) {
                return new ErrorCondition(AmqpError.NOT_FOUND, "'" + address + "' is not a DPS registration address"
                        + " ({idScope}/registrations/{registrationId}).");
            }
            if (identity == null) {
                return new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS, "The connection is not authenticated.");
            }
            if (!identity.namesDevice()) {
                identity = identity.boundTo(device); // ANONYMOUS/EXTERNAL: the first link names the device
            } else if (!identity.matches(device)) {
                LOG.info("DPS AMQP client {} opened a link to {}; refused", identity.idScope() + "/registrations/"
                        + identity.registrationId(), device);
                return new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS, "The link address " + device
                        + " does not name the authenticated registration.");
            }
            Map<Symbol, Object> props = link.getRemoteProperties();
            if (props != null && props.get(API_VERSION) != null) {
                apiVersion = props.get(API_VERSION).toString();
            }
            if (props != null && LOG.isDebugEnabled()) {
                LOG.debug("DPS AMQP link {} of {} (api-version {})", link.getName(), device, props.get(API_VERSION));
            }
            return null;
        }

        void enqueue(ProtonReceiver link, Object correlationId, Future<Message> answer) {
            Pending p = new Pending(link, correlationId, answer);
            pending.add(p);
            answer.onComplete(ar -> {
                if (Vertx.currentContext() == context) {
                    drain();
                } else {
                    context.runOnContext(v -> drain());
                }
            });
        }

        /** Sends every finished answer at the head of the queue, so answers leave in request order. */
        void drain() {
            while (!closed && replies != null && replies.isOpen() && !pending.isEmpty()
                    && pending.peek().answer().isComplete()) {
                Pending p = pending.poll();
                Message m = p.answer().result();
                if (p.correlationId() != null) {
                    m.setCorrelationId(p.correlationId());
                }
                replies.send(m);
                if (p.link().isOpen()) {
                    p.link().flow(1); // the device may send its next request
                }
            }
            if (closed) {
                pending.clear();
            }
        }
    }

    /** @param correlationId the request's correlation-id, else its message-id: what the answer carries back */
    private record Pending(ProtonReceiver link, Object correlationId, Future<Message> answer) {}
}
