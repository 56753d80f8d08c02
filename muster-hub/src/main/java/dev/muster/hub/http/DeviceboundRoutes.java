package dev.muster.hub.http;

import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.transport.Exchange;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * <b>Muster's extension, not Azure's</b>: sending a cloud-to-device message over the hub's REST API, for callers that
 * cannot speak AMQP (the web portal in a browser). Azure IoT Hub has no such call; its service SDKs send on the AMQP
 * link {@code /messages/devicebound}, and this route queues through the same {@link CloudToDeviceQueue#send} with
 * the same refusals (unknown device 404001, unknown module 404010, queue full 403004, body over 64 KB 413001, bad
 * {@code iothub-ack} 400004). Answered 204 once the message is in the store.
 *
 * <p>{@code POST /devices/{d}/messages/devicebound} or {@code POST /devices/{d}/modules/{m}/messages/devicebound};
 * the request body is the message body, taken as UTF-8 text; message properties travel as headers named as on IoT
 * Hub's device-side HTTPS API: {@code iothub-messageid}, {@code iothub-correlationid}, {@code iothub-contenttype},
 * {@code iothub-contentencoding}, {@code iothub-expiry} (absolute, ISO 8601), {@code iothub-ack}, and one
 * {@code iothub-app-{name}} per application property.
 */
final class DeviceboundRoutes {
    static final String APP_PREFIX = "iothub-app-";
    /** The message headers this route reads (besides {@code iothub-app-*}); the CORS preflight allows them. */
    static final List<String> HEADERS = List.of("iothub-ack", "iothub-messageid", "iothub-correlationid",
            "iothub-contenttype", "iothub-contentencoding", "iothub-expiry");

    private final BuiltInHub builtIn;
    private final CloudToDeviceQueue queue;

    DeviceboundRoutes(BuiltInHub builtIn, CloudToDeviceQueue queue) {
        this.builtIn = builtIn;
        this.queue = queue;
    }

    /** The queue a devicebound path names, or empty when the path is not one. */
    static Optional<DeviceQueue> target(String hub, List<String> s) {
        if (s.size() == 4 && s.get(0).equals("devices") && s.get(2).equals("messages")
                && s.get(3).equals("devicebound")) {
            return Optional.of(DeviceQueue.device(hub, s.get(1)));
        }
        if (s.size() == 6 && s.get(0).equals("devices") && s.get(2).equals("modules") && s.get(4).equals("messages")
                && s.get(5).equals("devicebound")) {
            return Optional.of(new DeviceQueue(hub, s.get(1), s.get(3)));
        }
        return Optional.empty();
    }

    void send(Exchange ex, DeviceQueue target, ModuleHttpApi.Runner runner) {
        if (!ex.method().equals("POST")) {
            HubErrors.send(ex, new HubError(HubErrorCode.METHOD_NOT_ALLOWED, "Method not allowed."));
            return;
        }
        MultiMap headers = ex.request().headers();
        runner.run(() -> {
            // Parsed after the runner has checked the caller's token: an anonymous caller learns nothing else.
            CloudToDeviceContent content = content(target, headers, ex.body());
            Instant expiry = expiry(headers.get("iothub-expiry"));
            if (target.moduleId() != null) {
                builtIn.devices().storedDevice(target.hub(), target.deviceId())
                        .orElseThrow(() -> HubError.deviceNotFound(target.deviceId()));
                builtIn.modules().module(target.hub(), target.deviceId(), target.moduleId());
            }
            return queue.send(target, content, expiry);
        }, sent -> ex.empty(204));
    }

    /** The message as the AMQP link would have queued it: {@code to} is the devicebound address of its queue. */
    static CloudToDeviceContent content(DeviceQueue target, MultiMap headers, String body) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(APP_PREFIX) && name.length() > APP_PREFIX.length()) {
                // Header names are case-insensitive and arrive lower-cased over HTTP/2: keep the sender's spelling.
                properties.put(h.getKey().substring(APP_PREFIX.length()), h.getValue());
            }
        }
        String to = "/devices/" + target.deviceId()
                + (target.moduleId() == null ? "" : "/modules/" + target.moduleId()) + "/messages/devicebound";
        return new CloudToDeviceContent(headers.get("iothub-messageid"), headers.get("iothub-correlationid"), null, to,
                headers.get("iothub-contenttype"), headers.get("iothub-contentencoding"), headers.get("iothub-ack"),
                properties, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    /** @return null (the hub's default time to live) when absent */
    static Instant expiry(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw HubError.argumentInvalid("iothub-expiry must be an ISO 8601 instant such as 2030-01-01T00:00:00Z,"
                    + " not '" + value + "'.");
        }
    }
}
