package dev.muster.hub.http;

import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.telemetry.ConnectionAuth;
import dev.muster.hub.telemetry.TelemetrySender;
import dev.muster.transport.Blocking;
import dev.muster.transport.ClientCertificates;
import dev.muster.transport.Exchange;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.security.cert.X509Certificate;
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
    private final Blocking blocking;
    private final Clock clock;

    DeviceTelemetryHttp(BuiltInHub builtIn, Blocking blocking, Clock clock) {
        this.builtIn = builtIn;
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
        String authorization = ex.header("Authorization");
        List<X509Certificate> chain = authorization == null || authorization.isBlank()
                ? ClientCertificates.of(ex.request().isSSL() ? ex.request().sslSession() : null) : List.of();
        Context context = Vertx.currentContext();
        blocking.run(() -> sender(key, authorization, chain)).onComplete(ar -> {
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

    /** @throws HubError 401 when neither the token nor the certificate admits the device (or module) */
    private TelemetrySender sender(ConnectionKey key, String authorization, List<X509Certificate> chain) {
        var auth = builtIn.authentication();
        boolean byToken = authorization != null && !authorization.isBlank();
        Optional<String> refusal;
        if (byToken) {
            refusal = key.isModule() ? auth.authenticateModule(key.hub(), key.deviceId(), key.moduleId(), authorization)
                    : auth.authenticateDevice(key.hub(), key.deviceId(), authorization);
        } else {
            refusal = key.isModule()
                    ? auth.authenticateModuleCertificate(key.hub(), key.deviceId(), key.moduleId(), chain)
                    : auth.authenticateDeviceCertificate(key.hub(), key.deviceId(), chain);
        }
        if (refusal.isPresent()) {
            LOG.info("hub {} refused telemetry of {} over HTTPS: {}", key.hub(), key.clientId(), refusal.get());
            throw new HubError(HubErrorCode.UNAUTHORIZED, "The device is not authorized to send to " + key.hub()
                    + ".");
        }
        HubDevice device = builtIn.devices().storedDevice(key.hub(), key.deviceId())
                .orElseThrow(() -> HubError.deviceNotFound(key.deviceId()));
        return new TelemetrySender(key, byToken ? ConnectionAuth.SAS : ConnectionAuth.ofCertificate(device,
                key.isModule()), device.generationId());
    }

    private static void fail(Exchange ex, Throwable failure) {
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
