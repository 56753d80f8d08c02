package dev.muster.server.device;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.registration.DeviceCredentials;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.core.registration.RegistrationRequest;
import dev.muster.core.registration.RegistrationService;
import dev.muster.server.http.DpsErrors;
import dev.muster.server.http.FrontDoor;
import dev.muster.transport.Blocking;
import dev.muster.transport.ClientCertificates;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global device endpoint over MQTT (reference §2): register and poll by publishing to
 * {@code $dps/registrations/…} topics, answers on {@code $dps/registrations/res/{status}/?$rid=…}. Every request goes
 * to the same registration engine as HTTPS, so the bodies are the same bytes.
 */
public final class DpsMqttEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(DpsMqttEndpoint.class);
    static final String REGISTER = "$dps/registrations/PUT/iotdps-register/";
    static final String POLL = "$dps/registrations/GET/iotdps-get-operationstatus/";
    static final String RESPONSES = "$dps/registrations/res/#";

    private final RegistrationService registrations;
    private final Blocking blocking;
    private final QuickAnswer quickAnswer;

    public DpsMqttEndpoint(RegistrationService registrations, Blocking blocking, long quickAnswerMillis) {
        this.registrations = registrations;
        this.blocking = blocking;
        this.quickAnswer = new QuickAnswer(registrations, blocking, quickAnswerMillis);
    }

    /**
     * Parsed DPS CONNECT user name {@code {idScope}/registrations/{registrationId}/api-version=…[&ClientVersion=…]};
     * null otherwise. The api-version decides whether a register body may carry a {@code csr}.
     */
    public record DpsUser(String idScope, String registrationId, String apiVersion) {
        public static DpsUser parse(String username) {
            if (username == null) {
                return null;
            }
            int api = username.indexOf("/api-version=");
            String head = api >= 0 ? username.substring(0, api) : username;
            String[] parts = head.split("/");
            if (parts.length != 3 || !parts[1].equals("registrations") || parts[0].isEmpty() || parts[2].isEmpty()
                    || parts[2].startsWith("?")) {
                return null;
            }
            return new DpsUser(parts[0], parts[2], api < 0 ? null : DpsMqttEndpoint.apiVersionOf(username.substring(api + 1)));
        }
    }

    /** The value of {@code api-version=} in the user name's {@code a=b&c=d} tail. */
    static String apiVersionOf(String query) {
        for (String p : query.split("&")) {
            if (p.startsWith("api-version=")) {
                return p.substring("api-version=".length());
            }
        }
        return null;
    }

    public void connect(MqttEndpoint endpoint, DpsUser user) {
        String clientId = endpoint.clientIdentifier();
        if (clientId != null && !clientId.isEmpty() && !clientId.equalsIgnoreCase(user.registrationId())) {
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            return;
        }
        String password = endpoint.auth() == null ? null : endpoint.auth().getPassword();
        // X.509 devices send an empty password and present their certificate in TLS (reference §2).
        DeviceCredentials credentials = new DeviceCredentials(password == null || password.isEmpty() ? null : password,
                ClientCertificates.of(endpoint.isSsl() ? endpoint.sslSession() : null, endpoint.remoteAddress()));
        Context context = Vertx.currentContext();
        endpoint.publishAutoAck(false);
        endpoint.subscribeHandler(msg -> {
            List<MqttQoS> granted = new ArrayList<>();
            msg.topicSubscriptions().forEach(s -> granted.add(s.topicName().startsWith("$dps/registrations/res/")
                    ? (s.qualityOfService().value() >= 1 ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE)
                    : MqttQoS.FAILURE));
            endpoint.subscribeAcknowledge(msg.messageId(), granted);
        });
        endpoint.unsubscribeHandler(msg -> endpoint.unsubscribeAcknowledge(msg.messageId()));
        endpoint.publishHandler(msg -> publish(endpoint, context, user, credentials, msg));
        endpoint.exceptionHandler(e -> LOG.debug("DPS MQTT connection of {}: {}", user.registrationId(), e.toString()));
        // DPS keeps no session state: sessionPresent is always false, whatever the clean-session flag.
        endpoint.accept(false);
    }

    private void publish(MqttEndpoint endpoint, Context context, DpsUser user, DeviceCredentials credentials,
                         MqttPublishMessage msg) {
        String topic = msg.topicName();
        if (msg.qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            endpoint.publishAcknowledge(msg.messageId());
        }
        String rid = queryValue(topic, "$rid");
        if (rid == null || !(topic.startsWith(REGISTER) || topic.startsWith(POLL))) {
            LOG.info("DPS MQTT client {} published to '{}'; closing the connection", user.registrationId(), topic);
            endpoint.close();
            return;
        }
        if (msg.payload().length() > FrontDoor.MAX_BODY) {
            send(endpoint, context, rid, DpsReply.of(new ProvisioningException(413, 413001,
                    "The request body is larger than 96 KB.")));
            return;
        }
        if (topic.startsWith(REGISTER)) {
            register(endpoint, context, user, credentials, rid, msg.payload());
        } else {
            String operationId = queryValue(topic, "operationId");
            if (operationId == null || operationId.isEmpty()) {
                send(endpoint, context, rid, DpsReply.of(ProvisioningException.badRequest(
                        "The poll topic needs operationId=….")));
                return;
            }
            Future<RegistrationOperationStatus> f = blocking.run(() -> registrations.operationStatus(user.idScope(),
                    user.registrationId(), operationId, credentials));
            f.onComplete(ar -> answer(endpoint, context, rid, ar.succeeded() ? ar.result() : null, ar.cause()));
        }
    }

    private void register(MqttEndpoint endpoint, Context context, DpsUser user, DeviceCredentials credentials, String rid,
                          Buffer payload) {
        JsonNode body;
        try {
            String text = payload.toString(StandardCharsets.UTF_8);
            body = text.isBlank() ? null : Json.tree(text);
            if (body != null && !body.isObject()) {
                throw ProvisioningException.badRequest("The registration body must be a JSON object.");
            }
            if (body != null && body.hasNonNull("tpm")) {
                throw ProvisioningException.badRequest("TPM attestation is not supported over MQTT; use HTTPS or AMQP.");
            }
        } catch (ProvisioningException e) {
            send(endpoint, context, rid, DpsReply.of(e));
            return;
        }
        RegistrationRequest request = new RegistrationRequest(user.idScope(), user.registrationId(), body, credentials,
                user.apiVersion());
        quickAnswer.register(request).onComplete(ar -> answer(endpoint, context, rid,
                ar.succeeded() ? ar.result().status() : null, ar.cause()));
    }

    private static void answer(MqttEndpoint endpoint, Context context, String rid, RegistrationOperationStatus result,
                               Throwable failure) {
        if (failure != null) {
            send(endpoint, context, rid, DpsReply.of(DpsErrors.refusal(failure)));
            if (!(failure instanceof ProvisioningException)) {
                LOG.error("DPS MQTT request failed", failure);
            }
            return;
        }
        send(endpoint, context, rid, DpsReply.of(result));
    }

    /** Publishes the reply to {@code $dps/registrations/res/{status}/?$rid={rid}[&retry-after={seconds}]}. */
    private static void send(MqttEndpoint endpoint, Context context, String rid, DpsReply reply) {
        String topic = "$dps/registrations/res/" + reply.status() + "/?$rid=" + rid
                + (reply.retryAfter() != null ? "&retry-after=" + reply.retryAfter() : "");
        String body = Json.write(reply.body());
        context.runOnContext(v -> {
            if (endpoint.isConnected()) {
                endpoint.publish(topic, Buffer.buffer(body), MqttQoS.AT_MOST_ONCE, false, false);
            }
        });
    }

    /** Value of {@code name} in the topic's {@code ?a=b&c=d} part, byte for byte; null when absent. */
    static String queryValue(String topic, String name) {
        int q = topic.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String p : topic.substring(q + 1).split("&")) {
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }
}
