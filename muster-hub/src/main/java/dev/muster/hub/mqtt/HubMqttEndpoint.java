package dev.muster.hub.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.LiveDevices;
import dev.muster.hub.telemetry.ConnectionAuth;
import dev.muster.hub.telemetry.TelemetrySender;
import dev.muster.hub.TwinListener;
import dev.muster.hub.methods.MethodChannel;
import dev.muster.hub.methods.MethodChannels;
import dev.muster.transport.Blocking;
import dev.muster.transport.ClientCertificates;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices' MQTT connections to the built-in hubs (reference §10). The hub is named in the user name
 * ({@code {hub}/{deviceId}/?api-version=…}); the password is the device's hub SAS token. One connection per
 * device: a newer one replaces the older, as IoT Hub does. Each connection is recorded in {@link LiveDevices} while it
 * lasts (connection state on every node); once a device subscribes to {@code $iothub/methods/POST/#} its connection
 * takes direct methods.
 */
public final class HubMqttEndpoint implements Handler<MqttEndpoint>, TwinListener, MethodChannels,
        dev.muster.hub.CertificateSessions {
    private static final Logger LOG = LoggerFactory.getLogger(HubMqttEndpoint.class);

    private final BuiltInHub builtIn;
    private final LiveDevices live;
    private final Blocking blocking;
    private final Clock clock;
    private final Map<ConnectionKey, Session> sessions = new ConcurrentHashMap<>();
    private volatile MqttCloudToDevice cloudToDevice;

    public HubMqttEndpoint(BuiltInHub builtIn, LiveDevices live, Blocking blocking, Clock clock) {
        this.builtIn = builtIn;
        this.live = live;
        this.blocking = blocking;
        this.clock = clock;
        builtIn.twins().addTwinListener(this);
        live.methods().addTransport(this);
    }

    /** Delivers cloud-to-device messages to the devices that subscribe to them (subscribe, PUBACK, close hooks). */
    public HubMqttEndpoint withCloudToDevice(MqttCloudToDevice delivery) {
        this.cloudToDevice = delivery;
        return this;
    }

    /** One connected device. */
    private static final class Session {
        final ConnectionKey key;
        final String hub;
        final String deviceId;
        final MqttEndpoint endpoint;
        final Context context;
        /** The connection's row in the shared connection state. */
        final String connectionId;
        final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        /** Stamped on its telemetry. */
        final TelemetrySender sender;
        final TelemetryAcks telemetryAcks;
        /** SHA-256 of the client certificate it authenticated with; null for a SAS token. */
        volatile String certificateThumbprint;

        Session(ConnectionKey key, MqttEndpoint endpoint, Context context, String connectionId, TelemetrySender sender) {
            this.key = key;
            this.sender = sender;
            this.telemetryAcks = new TelemetryAcks(endpoint, context);
            this.hub = key.hub();
            this.deviceId = key.deviceId();
            this.endpoint = endpoint;
            this.context = context;
            this.connectionId = connectionId;
        }

        boolean takesMethods() {
            return subscriptions.stream().anyMatch(t -> t.startsWith(HubMqttTopics.METHODS_SUBSCRIPTION_PREFIX));
        }
    }

    /**
     * Parsed CONNECT user name: {@code {hub}/{deviceId}/?…} for a device, {@code {hub}/{deviceId}/{moduleId}/?…} for
     * a module; null when it is not a hub user name.
     */
    record HubUser(String hub, String deviceId, String moduleId) {
        static HubUser parse(String username) {
            if (username == null) {
                return null;
            }
            int q = username.indexOf("/?");
            String head = q >= 0 ? username.substring(0, q) : username;
            String[] parts = head.split("/");
            if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
                return null;
            }
            String module = parts.length == 3 && !parts[2].isEmpty() ? parts[2] : null;
            return new HubUser(parts[0].toLowerCase(Locale.ROOT), parts[1], module);
        }

        ConnectionKey key() {
            return new ConnectionKey(hub, deviceId, moduleId);
        }
    }

    @Override
    public void handle(MqttEndpoint endpoint) {
        HubUser user = HubUser.parse(endpoint.auth() == null ? null : endpoint.auth().getUsername());
        if (user == null || builtIn.devices().hub(user.hub()).isEmpty()) {
            LOG.debug("MQTT CONNECT refused: user name '{}' names no hub served here",
                    endpoint.auth() == null ? null : endpoint.auth().getUsername());
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
            return;
        }
        String clientId = endpoint.clientIdentifier();
        // A device's client ID is its device ID, a module's {deviceId}/{moduleId}, as IoT Hub requires.
        if (clientId != null && !clientId.isEmpty() && !clientId.equals(user.key().clientId())) {
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            return;
        }
        String password = endpoint.auth().getPassword();
        List<X509Certificate> chain = password == null || password.isEmpty()
                ? ClientCertificates.of(endpoint.isSsl() ? endpoint.sslSession() : null, endpoint.remoteAddress())
                : List.of();
        Context context = Vertx.currentContext();
        // The device may go away while its token is checked: then there is no one left to accept or refuse, and
        // Vert.x throws on a closed endpoint (an unhandled error each time).
        boolean[] gone = {false};
        endpoint.closeHandler(v -> gone[0] = true);
        ConnectionKey key = user.key();
        blocking.run(() -> {
            Optional<MqttConnectReturnCode> refusal = authenticate(user, password, chain);
            return refusal.isPresent() ? new Admission(refusal, null, null)
                    : new Admission(refusal, live.connections().connected(key), sender(user, password, chain));
        }).onComplete(ar -> {
            if (gone[0]) {
                LOG.debug("device {} left before its MQTT CONNECT to {} was answered", user.deviceId(), user.hub());
                if (ar.succeeded() && ar.result().connectionId() != null) {
                    blocking.run(() -> {
                        live.connections().disconnected(key, ar.result().connectionId());
                        return null;
                    });
                }
                return;
            }
            if (ar.failed()) {
                LOG.warn("MQTT CONNECT of {} to {} failed: {}", user.deviceId(), user.hub(), ar.cause().toString());
                endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
                return;
            }
            Optional<MqttConnectReturnCode> refusal = ar.result().refusal();
            if (refusal.isPresent()) {
                endpoint.reject(refusal.get());
                return;
            }
            Session session = new Session(key, endpoint, context, ar.result().connectionId(), ar.result().sender());
            if ((password == null || password.isEmpty()) && !chain.isEmpty()) {
                session.certificateThumbprint = dev.muster.core.x509.Certificates.sha256(chain.get(0));
            }
            accept(endpoint, session);
        });
    }

    /** A CONNECT's outcome: refused, or accepted with its row in the connection state. */
    private record Admission(Optional<MqttConnectReturnCode> refusal, String connectionId, TelemetrySender sender) {}

    /** An admitted connection's identity for its telemetry: how it authenticated, the device's generation ID. */
    private TelemetrySender sender(HubUser user, String password, List<X509Certificate> chain) {
        var device = builtIn.devices().storedDevice(user.hub(), user.deviceId()).orElseThrow();
        boolean byCertificate = (password == null || password.isEmpty()) && !chain.isEmpty();
        return new TelemetrySender(user.key(), byCertificate ? ConnectionAuth.ofCertificate(device, user.moduleId() != null) : ConnectionAuth.SAS,
                device.generationId());
    }

    /** Hub SAS token as password, or (no password) the TLS client certificate of an X.509 device. */
    private Optional<MqttConnectReturnCode> authenticate(HubUser user, String password, List<X509Certificate> chain) {
        var device = builtIn.devices().storedDevice(user.hub(), user.deviceId());
        if (device.isPresent() && !device.get().isEnabled()) {
            return Optional.of(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
        }
        boolean byCertificate = (password == null || password.isEmpty()) && !chain.isEmpty();
        var auth = builtIn.authentication();
        Optional<String> reason;
        if (user.moduleId() == null) {
            reason = byCertificate ? auth.authenticateDeviceCertificate(user.hub(), user.deviceId(), chain)
                    : auth.authenticateDevice(user.hub(), user.deviceId(), password);
        } else {
            reason = byCertificate
                    ? auth.authenticateModuleCertificate(user.hub(), user.deviceId(), user.moduleId(), chain)
                    : auth.authenticateModule(user.hub(), user.deviceId(), user.moduleId(), password);
        }
        if (reason.isPresent()) {
            LOG.info("hub {} refused {}: {}", user.hub(), user.key().clientId(), reason.get());
            return Optional.of(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        }
        return Optional.empty();
    }

    private void accept(MqttEndpoint endpoint, Session session) {
        endpoint.publishAutoAck(false);
        endpoint.subscribeHandler(msg -> subscribe(session, msg));
        endpoint.unsubscribeHandler(msg -> {
            session.subscriptions.removeAll(msg.topics());
            endpoint.unsubscribeAcknowledge(msg.messageId());
        });
        endpoint.publishHandler(msg -> publish(session, msg));
        endpoint.closeHandler(v -> {
            ended(session);
            cloudToDeviceClosed(endpoint);
        });
        endpoint.disconnectHandler(v -> {
            ended(session);
            cloudToDeviceClosed(endpoint);
        });
        endpoint.publishAcknowledgeHandler(packetId -> {
            if (cloudToDevice != null) {
                cloudToDevice.acknowledged(endpoint, packetId);
            }
        });
        endpoint.exceptionHandler(e -> LOG.debug("MQTT connection of {}: {}", session.deviceId, e.toString()));
        // IoT Hub keeps no session state for devices: sessionPresent is always false.
        endpoint.accept(false);
        Session previous = sessions.put(session.key, session);
        if (previous != null && previous.endpoint != endpoint) {
            // Unless it has closed meanwhile: closing a closed endpoint throws.
            previous.context.runOnContext(v -> {
                if (previous.endpoint.isConnected()) {
                    previous.endpoint.close();
                }
            });
        }
        LOG.debug("device {} connected to hub {} over MQTT", session.deviceId, session.hub);
    }

    /** The connection ended: DISCONNECT and then the socket's close both say so; the first one counts. */
    private void ended(Session session) {
        sessions.remove(session.key, session);
        if (session.ended.compareAndSet(false, true)) {
            blocking.run(() -> {
                live.connections().disconnected(session.key, session.connectionId);
                return null;
            }).onFailure(e -> LOG.warn("could not record that {} disconnected: {}", session.key, e.toString()));
        }
    }

    private void subscribe(Session session, MqttSubscribeMessage msg) {
        List<MqttQoS> granted = new ArrayList<>();
        for (var sub : msg.topicSubscriptions()) {
            String topic = sub.topicName();
            if (allowedSubscription(session, topic)) {
                session.subscriptions.add(topic);
                granted.add(sub.qualityOfService().value() >= 1 ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE);
            } else {
                granted.add(MqttQoS.FAILURE);
            }
        }
        session.endpoint.subscribeAcknowledge(msg.messageId(), granted);
        if (cloudToDevice != null) {
            msg.topicSubscriptions().stream().map(sub -> sub.topicName()).filter(session.subscriptions::contains)
                    .forEach(t -> cloudToDevice.subscribed(session.hub, t, session.endpoint, session.context));
        }
    }

    private void cloudToDeviceClosed(MqttEndpoint endpoint) {
        if (cloudToDevice != null) {
            cloudToDevice.closed(endpoint);
        }
    }

    private static boolean allowedSubscription(Session session, String topic) {
        return topic.equals("$iothub/twin/res/#")
                || topic.startsWith("$iothub/twin/PATCH/properties/desired/")
                || topic.startsWith("$iothub/methods/POST/")
                || topic.startsWith(HubMqttTopics.ownPrefix(session.key) + "messages/devicebound/")
                || session.key.moduleId() == null && topic.startsWith("devices/" + session.deviceId + "/modules/")
                // the IoT Edge module inputs topic, which the SDKs' module clients subscribe to
                || session.key.moduleId() != null && topic.startsWith(HubMqttTopics.ownPrefix(session.key) + "inputs/");
    }

    private void publish(Session session, MqttPublishMessage msg) {
        String topic = msg.topicName();
        byte[] payload = msg.payload().getBytes();
        noteActivity(session);
        if (topic.startsWith(HubMqttTopics.METHOD_RESPONSE_PREFIX)) {
            ack(session, msg);
            methodAnswered(session, topic, payload);
        } else if (topic.startsWith(HubMqttTopics.TWIN_GET)) {
            String rid = HubMqttTopics.rid(topic);
            ack(session, msg);
            blocking.run(() -> session.key.moduleId() == null
                    ? builtIn.twins().deviceTwinDocument(session.hub, session.deviceId)
                    : builtIn.twins().moduleTwinDocument(session.hub, session.deviceId, session.key.moduleId()))
                    .onComplete(ar -> {
                if (ar.succeeded() && ar.result().isPresent()) {
                    send(session, HubMqttTopics.twinResponse(200, rid), Json.write(ar.result().get()), MqttQoS.AT_MOST_ONCE);
                } else {
                    send(session, HubMqttTopics.twinResponse(ar.succeeded() ? 404 : 500, rid), "", MqttQoS.AT_MOST_ONCE);
                }
            });
        } else if (topic.startsWith(HubMqttTopics.TWIN_PATCH_REPORTED)) {
            String rid = HubMqttTopics.rid(topic);
            ack(session, msg);
            blocking.run(() -> {
                var patch = Json.tree(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
                return session.key.moduleId() == null ? builtIn.twins().patchReported(session.hub, session.deviceId, patch)
                        : builtIn.twins().patchModuleReported(session.hub, session.deviceId, session.key.moduleId(), patch);
            }).onComplete(ar -> {
                if (ar.succeeded()) {
                    send(session, HubMqttTopics.twinResponse(204, rid, ar.result()), "", MqttQoS.AT_MOST_ONCE);
                } else {
                    int status = ar.cause() instanceof HubError h ? h.httpStatus()
                            : ar.cause() instanceof ProvisioningException p ? p.httpStatus() : 500;
                    send(session, HubMqttTopics.twinResponse(status, rid), "", MqttQoS.AT_MOST_ONCE);
                }
            });
        } else if (topic.startsWith(HubMqttTopics.telemetryPrefix(session.key))) {
            String bag = topic.substring(HubMqttTopics.telemetryPrefix(session.key).length());
            session.telemetryAcks.track(msg, builtIn.telemetry().receive(session.sender, clock.instant(),
                    List.of(MqttTelemetry.content(bag, payload))));
        } else {
            // IoT Hub drops a connection that publishes where it may not.
            LOG.info("device {} published to unknown topic '{}'; closing its connection", session.deviceId, topic);
            session.endpoint.close();
        }
    }

    /** {@code $iothub/methods/res/{status}/?$rid={id}}: the device's answer to a direct method. */
    private void methodAnswered(Session session, String topic, byte[] payload) {
        Integer status = HubMqttTopics.methodResponseStatus(topic);
        String rid = HubMqttTopics.rid(topic);
        if (status == null || rid == null) {
            LOG.info("device {} answered a method on '{}' without a whole-number status and $rid; ignored",
                    session.key, topic);
            return;
        }
        if (!live.methods().answered(session.key, rid, status, payload)) {
            LOG.debug("device {} answered method request {} that no call waits for (late or unknown)", session.key, rid);
        }
    }

    /** Last activity in the connection state, written now and then (not once per message). */
    private void noteActivity(Session session) {
        if (live.connections().activityDue(session.connectionId)) {
            blocking.run(() -> {
                live.connections().active(session.key, session.connectionId);
                return null;
            });
        }
    }

    /** A connection that takes direct methods: subscribed to them and still open. */
    @Override
    public Optional<MethodChannel> channel(ConnectionKey key) {
        Session s = sessions.get(key);
        if (s == null || !s.takesMethods() || !s.endpoint.isConnected()) {
            return Optional.empty();
        }
        // QoS 0, as IoT Hub sends method requests: a request lost with its connection times out like an unanswered one.
        return Optional.of((requestId, methodName, body) -> send(s, HubMqttTopics.methodRequest(methodName, requestId),
                Buffer.buffer(body), MqttQoS.AT_MOST_ONCE));
    }

    private static void ack(Session session, MqttPublishMessage msg) {
        if (msg.qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            session.endpoint.publishAcknowledge(msg.messageId());
        }
    }

    private static void send(Session session, String topic, String body, MqttQoS qos) {
        send(session, topic, Buffer.buffer(body), qos);
    }

    private static void send(Session session, String topic, Buffer body, MqttQoS qos) {
        session.context.runOnContext(v -> {
            if (session.endpoint.isConnected()) {
                session.endpoint.publish(topic, body, qos, false, false);
            }
        });
    }

    @Override
    public void desiredChanged(String hub, String deviceId, ObjectNode patch) {
        pushDesired(ConnectionKey.device(hub, deviceId), patch);
    }

    @Override
    public void moduleDesiredChanged(String hub, String deviceId, String moduleId, ObjectNode patch) {
        pushDesired(new ConnectionKey(hub, deviceId, moduleId), patch);
    }

    private void pushDesired(ConnectionKey key, ObjectNode patch) {
        Session s = sessions.get(key);
        if (s == null || s.subscriptions.stream().noneMatch(t -> t.startsWith(HubMqttTopics.DESIRED_PATCH_PREFIX))) {
            return;
        }
        send(s, HubMqttTopics.desiredPatch(patch.get("$version").asLong()), Json.write(patch), MqttQoS.AT_LEAST_ONCE);
    }

    /** A revoked certificate's connections end: IoT Hub closes the socket (MQTT 3.1.1 has no server DISCONNECT). */
    @Override
    public int closeSessionsWith(Set<String> sha256Thumbprints, String reason) {
        int closed = 0;
        for (Session s : sessions.values()) {
            String thumbprint = s.certificateThumbprint;
            if (thumbprint != null && sha256Thumbprints.contains(thumbprint)) {
                LOG.info("closing the MQTT connection of {} on hub {}: {}", s.key.clientId(), s.hub, reason);
                s.context.runOnContext(v -> {
                    if (s.endpoint.isConnected()) {
                        s.endpoint.close();
                    }
                });
                closed++;
            }
        }
        return closed;
    }
}
