package dev.muster.hub.http;

import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.transport.Blocking;
import dev.muster.transport.Exchange;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device telemetry over HTTPS, as the Java SDK's HTTPS {@code DeviceClient} and Node's {@code azure-iot-device-http}
 * send it: {@code POST /devices/{d}/messages/events} and {@code POST /devices/{d}/modules/{m}/messages/events}, one
 * message or a batch ({@link HttpTelemetry}). The device proves itself with its SAS token in {@code Authorization}
 * ({@code sr={hub}/devices/{d}}) or, with no such header, with its TLS client certificate. Answered 204 once every
 * message is durable; 401 IotHubUnauthorizedAccess, 400 ArgumentInvalid, 413 MessageTooLarge otherwise.
 */
final class DeviceTelemetryHttp {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceTelemetryHttp.class);

    private final BuiltInHub builtIn;
    private final DeviceHttpAuth auth;
    private final Blocking blocking;
    private final Clock clock;

    DeviceTelemetryHttp(BuiltInHub builtIn, Blocking blocking, Clock clock) {
        this.builtIn = builtIn;
        this.auth = new DeviceHttpAuth(builtIn);
        this.blocking = blocking;
        this.clock = clock;
    }

    /** The sender a telemetry path names, or empty when {@code s} is no telemetry path. */
    static Optional<ConnectionKey> target(String hub, String method, List<String> s) {
        if (!method.equals("POST")) {
            return Optional.empty();
        }
        if (s.size() == 4 && s.get(0).equals("devices") && s.get(2).equals("messages") && s.get(3).equals("events")) {
            return Optional.of(ConnectionKey.device(hub, s.get(1)));
        }
        if (s.size() == 6 && s.get(0).equals("devices") && s.get(2).equals("modules") && s.get(4).equals("messages")
                && s.get(5).equals("events")) {
            return Optional.of(new ConnectionKey(hub, s.get(1), s.get(3)));
        }
        return Optional.empty();
    }

    void send(Exchange ex, ConnectionKey key) {
        String eventsPath = "/devices/" + key.deviceId() + (key.isModule() ? "/modules/" + key.moduleId() : "")
                + "/messages/events";
        List<EventContent> messages;
        try {
            messages = HttpTelemetry.isBatch(ex.header("Content-Type"))
                    ? HttpTelemetry.batch(ex.body(), eventsPath)
                    : List.of(HttpTelemetry.single(ex.request().headers(), ex.bodyBytes(), eventsPath));
        } catch (HubError e) {
            HubErrors.send(ex, e);
            return;
        }
        DeviceHttpAuth.Credentials credentials = DeviceHttpAuth.Credentials.of(ex);
        Context context = Vertx.currentContext();
        blocking.run(() -> auth.authenticate(key, credentials)).onComplete(ar -> {
            if (ar.failed()) {
                fail(ex, ar.cause());
                return;
            }
            builtIn.telemetry().receive(ar.result(), clock.instant(), messages).whenComplete((v, failure) ->
                    context.runOnContext(x -> {
                        if (failure == null) {
                            ex.empty(204);
                        } else {
                            fail(ex, failure);
                        }
                    }));
        });
    }

    static void fail(Exchange ex, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof HubError e) {
            HubErrors.send(ex, e);
        } else {
            LOG.error("device telemetry over HTTPS failed on {}", ex.request().path(), cause);
            HubErrors.send(ex, new HubError(HubErrorCode.SERVER_ERROR, "Internal error; see the server log."));
        }
    }
}
