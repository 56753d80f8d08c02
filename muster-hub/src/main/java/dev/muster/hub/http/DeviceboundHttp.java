package dev.muster.hub.http;

import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.transport.Blocking;
import dev.muster.transport.Exchange;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A device's cloud-to-device messages over HTTPS, as the Java SDK's HTTPS {@code DeviceClient} and Node's
 * {@code azure-iot-device-http} poll for them, on top of the hub's queues:
 * <ul>
 *   <li>{@code GET /devices/{d}/messages/devicebound}: the next message, locked (200, its properties as headers,
 *       {@code ETag} = the lock), or 204 when there is none;</li>
 *   <li>{@code DELETE …/devicebound/{etag}}: complete; with {@code reject} in the query (Java sends
 *       {@code ??reject=true}, Node {@code &reject}): reject;</li>
 *   <li>{@code POST …/devicebound/{etag}/abandon}: abandon.</li>
 * </ul>
 * Module forms under {@code /devices/{d}/modules/{m}/}. A settlement whose lock is gone is 412 DeviceMessageLockLost.
 */
final class DeviceboundHttp {
    enum Action { RECEIVE, COMPLETE, REJECT, ABANDON }

    record Request(ConnectionKey key, Action action, String lockToken) {}

    private final DeviceHttpAuth auth;
    private final CloudToDeviceQueue queue;
    private final Blocking blocking;

    DeviceboundHttp(DeviceHttpAuth auth, CloudToDeviceQueue queue, Blocking blocking) {
        this.auth = auth;
        this.queue = queue;
        this.blocking = blocking;
    }

    /** The device request a path names, or empty (Muster's service-side {@code POST …/devicebound} is not one). */
    static Optional<Request> request(String hub, String method, List<String> s, String query) {
        if (s.size() < 4 || !s.get(0).equals("devices")) {
            return Optional.empty();
        }
        boolean module = s.size() >= 6 && s.get(2).equals("modules");
        int at = module ? 4 : 2;
        if (s.size() <= at + 1 || !s.get(at).equals("messages") || !s.get(at + 1).equalsIgnoreCase("devicebound")) {
            return Optional.empty();
        }
        ConnectionKey key = new ConnectionKey(hub, s.get(1), module ? s.get(3) : null);
        List<String> rest = s.subList(at + 2, s.size());
        if (rest.isEmpty() && method.equals("GET")) {
            return Optional.of(new Request(key, Action.RECEIVE, null));
        }
        if (rest.size() == 1 && method.equals("DELETE")) {
            boolean reject = query != null && query.toLowerCase(Locale.ROOT).contains("reject");
            return Optional.of(new Request(key, reject ? Action.REJECT : Action.COMPLETE, unquote(rest.get(0))));
        }
        if (rest.size() == 2 && rest.get(1).equalsIgnoreCase("abandon") && method.equals("POST")) {
            return Optional.of(new Request(key, Action.ABANDON, unquote(rest.get(0))));
        }
        return Optional.empty();
    }

    void handle(Exchange ex, Request r) {
        DeviceHttpAuth.Credentials credentials = DeviceHttpAuth.Credentials.of(ex);
        DeviceQueue q = new DeviceQueue(r.key().hub(), r.key().deviceId(), r.key().moduleId());
        blocking.run(() -> {
            auth.authenticate(r.key(), credentials);
            if (r.action() == Action.RECEIVE) {
                return queue.next(q);
            }
            CloudToDeviceMessage locked = queue.locked(q, r.lockToken()).orElseThrow(() -> lockLost(r.lockToken()));
            boolean settled = switch (r.action()) {
                case COMPLETE -> queue.complete(locked);
                case REJECT -> queue.reject(locked);
                default -> queue.abandon(locked);
            };
            if (!settled) {
                throw lockLost(r.lockToken());
            }
            return Optional.<CloudToDeviceMessage>empty();
        }).onComplete(ar -> {
            if (ar.failed()) {
                DeviceTelemetryHttp.fail(ex, ar.cause());
            } else if (ar.result().isPresent()) {
                send(ex.request().response(), ar.result().get());
            } else {
                ex.empty(204);
            }
        });
    }

    /** A locked message as IoT Hub's HTTPS answer: its properties as {@code iothub-*} headers, the body as is. */
    private static void send(HttpServerResponse response, CloudToDeviceMessage m) {
        CloudToDeviceContent c = m.content();
        put(response, "iothub-messageid", c.messageId());
        put(response, "iothub-correlationid", c.correlationId());
        put(response, "iothub-userid", c.userId());
        put(response, "iothub-to", c.to() != null ? c.to() : "/devices/" + m.queue().deviceId()
                + (m.queue().moduleId() == null ? "" : "/modules/" + m.queue().moduleId()) + "/messages/devicebound");
        put(response, "iothub-contenttype", c.contentType());
        put(response, "iothub-contentencoding", c.contentEncoding());
        put(response, "iothub-sequencenumber", Long.toString(m.sequence()));
        put(response, "iothub-enqueuedtime", m.enqueuedAt().toString());
        put(response, "iothub-expiry", m.expiresAt().toString());
        put(response, "iothub-deliverycount", Integer.toString(m.deliveryCount()));
        for (Map.Entry<String, String> p : c.properties().entrySet()) {
            put(response, "iothub-app-" + p.getKey(), p.getValue());
        }
        response.putHeader("ETag", "\"" + m.lockToken() + "\"");
        response.putHeader("Content-Type", "application/octet-stream");
        response.setStatusCode(200).end(Buffer.buffer(c.body()));
    }

    private static void put(HttpServerResponse response, String name, String value) {
        if (value != null) {
            response.putHeader(name, value);
        }
    }

    private static String unquote(String etag) {
        return etag.replace("\"", "");
    }

    private static HubError lockLost(String lockToken) {
        return new HubError(HubErrorCode.DEVICE_MESSAGE_LOCK_LOST, "No message is locked under " + lockToken
                + " (settled already, or its lock ran out).");
    }
}
