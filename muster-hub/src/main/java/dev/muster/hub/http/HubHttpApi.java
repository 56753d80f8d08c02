package dev.muster.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.sas.SasToken;
import dev.muster.core.sas.SasVerifier;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.LiveDevices;
import dev.muster.hub.methods.NodeCallSignature;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.TelemetryMessage;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.transport.Blocking;
import dev.muster.transport.Exchange;
import dev.muster.transport.Route;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A built-in hub's service-side REST API (reference §9): device builtIn, twins, device statistics, and
 * Muster's live telemetry stream ({@code GET /messages/events}, server-sent events) for {@code hub monitor}.
 * Authenticated with the hub's shared access policy ({@code sr={hubHost}}).
 */
public final class HubHttpApi implements Route {
    private static final Logger LOG = LoggerFactory.getLogger(HubHttpApi.class);

    private final BuiltInHub builtIn;
    private final LiveDevices live;
    private final SasVerifier sas;
    private final Blocking blocking;
    private final MethodRoutes methods;
    private CloudToDeviceQueue cloudToDevice;
    private DeviceboundRoutes devicebound;
    private DeviceboundHttp deviceReceive;
    private final ModuleHttpApi modules;
    private final RegistryRoutes registry;
    private final DeviceTelemetryHttp deviceTelemetry;
    private ConsumerGroupRoutes consumerGroups;
    private RoutingRoutes routing;
    private DeadLetterRoutes deadLetters;

    /** @param nodeCalls checks direct methods other nodes of the deployment forward here */
    public HubHttpApi(BuiltInHub builtIn, LiveDevices live, SasVerifier sas, Blocking blocking,
                      NodeCallSignature nodeCalls) {
        this.builtIn = builtIn;
        this.live = live;
        this.sas = sas;
        this.blocking = blocking;
        this.methods = new MethodRoutes(live, blocking, nodeCalls, this::authorize, this::requireIdentity);
        this.modules = new ModuleHttpApi(builtIn);
        this.registry = new RegistryRoutes(builtIn);
        this.deviceTelemetry = new DeviceTelemetryHttp(builtIn, blocking, java.time.Clock.systemUTC());
    }

    /**
     * Serves {@code DELETE /devices/{id}/commands} and Muster's {@code POST /devices/{id}/messages/devicebound}
     * ({@link DeviceboundRoutes}), the devices' own HTTPS receive and settlement ({@link DeviceboundHttp}), and counts
     * pending messages in the device JSON.
     */
    public HubHttpApi withCloudToDevice(CloudToDeviceQueue queue) {
        this.cloudToDevice = queue;
        this.devicebound = new DeviceboundRoutes(builtIn, queue);
        this.deviceReceive = new DeviceboundHttp(new DeviceHttpAuth(builtIn), queue, blocking);
        return this;
    }

    /** Serves the consumer groups of the hub's events endpoint ({@link ConsumerGroupRoutes}). */
    public HubHttpApi withConsumerGroups(dev.muster.hub.telemetry.ConsumerGroups groups) {
        this.consumerGroups = new ConsumerGroupRoutes(groups);
        return this;
    }

    /** Serves the hub's message routing ({@code /routing}, {@link RoutingRoutes}). */
    public HubHttpApi withRouting(dev.muster.hub.routing.RoutingService service) {
        this.routing = new RoutingRoutes(service);
        return this;
    }

    /** Serves the custom endpoints' dead letters ({@link DeadLetterRoutes}). */
    public HubHttpApi withDeadLetters(dev.muster.core.hub.routing.EndpointOutbox outbox) {
        this.deadLetters = new DeadLetterRoutes(outbox);
        return this;
    }

    @Override
    public void handle(Exchange ex) {
        if (HubCors.handle(ex)) {
            return;
        }
        try {
            route(ex);
        } catch (HubError e) {
            HubErrors.send(ex, e);
        } catch (ProvisioningException e) {
            HubErrors.send(ex, HubErrors.fromCore(e));
        }
    }

    private void route(Exchange ex) {
        String hub = ex.host();
        List<String> s = ex.segments();
        String method = methodOf(ex);
        String authorization = ex.header("Authorization");
        String ifMatch = ex.header("If-Match");
        Optional<ConnectionKey> methodTarget = MethodRoutes.target(hub, s);
        if (methodTarget.isPresent()) {
            methods.invoke(ex, methodTarget.get());
            return;
        }
        Optional<DeviceboundHttp.Request> received = deviceReceive == null ? Optional.empty()
                : DeviceboundHttp.request(hub, method, s, ex.request().query());
        if (received.isPresent()) {
            deviceReceive.handle(ex, received.get());
            return;
        }
        Optional<ConnectionKey> telemetrySender = DeviceTelemetryHttp.target(hub, method, s);
        if (telemetrySender.isPresent()) {
            deviceTelemetry.send(ex, telemetrySender.get());
            return;
        }
        if (registry.route(ex, hub, (work, onValue) -> run(ex, hub, authorization, work, onValue))) {
            return;
        } else if (routing != null && routing.route(ex, hub, (work, onValue) -> run(ex, hub, authorization, work, onValue))) {
            return;
        }
        if (consumerGroups != null && ConsumerGroupRoutes.handles(s) && consumerGroups.route(ex, hub, method,
                (work, onValue) -> run(ex, hub, authorization, work, onValue))) {
            return;
        }
        if (s.size() == 2 && s.get(0).equals("devices")) {
            String id = s.get(1);
            switch (method) {
                case "PUT" -> {
                    HubDevice device = readDevice(ex, id);
                    run(ex, hub, authorization, () -> builtIn.devices().putDevice(hub, device, ifMatch), d -> ex.json(200, d));
                }
                // The registry's view counts the device's queued cloud-to-device messages.
                case "GET" -> run(ex, hub, authorization, () -> builtIn.devices().device(hub, id)
                                .orElseThrow(() -> notFound(id)), d -> ex.json(200, d));
                case "DELETE" -> run(ex, hub, authorization, () -> {
                    if (!builtIn.devices().deleteDevice(hub, id, ifMatch)) {
                        throw notFound(id);
                    }
                    live.connections().forgetDevice(hub, id);
                    return Boolean.TRUE;
                }, v -> ex.empty(204));
                default -> HubErrors.send(ex, new HubError(HubErrorCode.METHOD_NOT_ALLOWED, "Method not allowed."));
            }
        } else if (s.size() == 3 && s.get(0).equals("devices") && s.get(2).equals("commands") && cloudToDevice != null
                && method.equals("DELETE")) {
            run(ex, hub, authorization, () -> purged(s.get(1), cloudToDevice.purge(hub, s.get(1))), v -> ex.json(200, v));
        } else if (s.size() == 2 && s.get(0).equals("twins")) {
            String id = s.get(1);
            switch (method) {
                case "GET" -> run(ex, hub, authorization, () -> builtIn.twins().twinJson(hub, id).orElseThrow(() -> notFound(id)),
                        t -> ex.json(200, t));
                case "PATCH" -> {
                    JsonNode patch = readJson(ex);
                    run(ex, hub, authorization, () -> builtIn.twins().patchTwin(hub, id, patch, ifMatch), t -> ex.json(200, t));
                }
                case "PUT" -> {
                    JsonNode twin = readJson(ex);
                    run(ex, hub, authorization, () -> builtIn.twins().replaceTwin(hub, id, twin, ifMatch), t -> ex.json(200, t));
                }
                default -> HubErrors.send(ex, new HubError(HubErrorCode.METHOD_NOT_ALLOWED, "Method not allowed."));
            }
        } else if (s.size() == 1 && s.get(0).equals("certificates") && method.equals("GET")) {
            run(ex, hub, authorization, () -> Map.of("value", builtIn.caTrust().trustedCertificates(hub)), v -> ex.json(200, v));
        } else if (s.size() == 2 && s.get(0).equals("certificates") && method.equals("PUT")) {
            // Muster's addition: CA certificates the hub trusts for certificateAuthority devices (Azure does this in ARM).
            JsonNode body = readJson(ex);
            JsonNode cert = body.path("properties").has("certificate") ? body.path("properties").get("certificate")
                    : body.get("certificate");
            if (cert == null || !cert.isTextual()) {
                HubErrors.send(ex, HubError.argumentInvalid("The body must be {\"certificate\":\"<PEM>\"}."));
                return;
            }
            run(ex, hub, authorization, () -> builtIn.caTrust().trustCertificateAuthority(hub, cert.asText()), v -> ex.json(200, v));
        } else if (s.size() == 2 && s.get(0).equals("certificates") && method.equals("DELETE")) {
            String thumbprint = s.get(1);
            run(ex, hub, authorization, () -> {
                if (!builtIn.caTrust().untrustCertificateAuthority(hub, thumbprint)) {
                    throw new HubError(HubErrorCode.CERTIFICATE_NOT_FOUND, "The hub trusts no certificate with SHA-256 thumbprint "
                            + thumbprint + ".");
                }
                return Boolean.TRUE;
            }, v -> ex.empty(204));
        } else if (s.size() == 2 && s.get(0).equals("statistics") && s.get(1).equals("devices") && method.equals("GET")) {
            run(ex, hub, authorization, () -> statistics(hub), v -> ex.json(200, v));
        } else if (s.size() == 2 && s.get(0).equals("messages") && s.get(1).equals("events") && method.equals("GET")) {
            run(ex, hub, authorization, () -> Boolean.TRUE, v -> stream(ex, hub));
        } else if (devicebound != null && DeviceboundRoutes.target(hub, s).isPresent()) {
            devicebound.send(ex, DeviceboundRoutes.target(hub, s).get(), (work, onValue) -> run(ex, hub, authorization, work, onValue));
        } else if (deadLetters != null && DeadLetterRoutes.handles(s)) {
            deadLetters.route(ex, hub, (work, onValue) -> run(ex, hub, authorization, work, onValue));
        } else if (ModuleHttpApi.handles(s)) {
            modules.route(ex, hub, ifMatch, (work, onValue) -> run(ex, hub, authorization, work, onValue));
        } else {
            HubErrors.send(ex, new HubError(HubErrorCode.IOT_HUB_NOT_FOUND, "No hub API at " + method + " "
                    + ex.request().path() + "."));
        }
    }

    private void run(Exchange ex, String hub, String authorization, Callable<Object> work, Consumer<Object> onValue) {
        Future<Object> f = blocking.run(() -> {
            authorize(hub, authorization);
            return work.call();
        });
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                onValue.accept(ar.result());
            } else if (ar.cause() instanceof HubError e) {
                HubErrors.send(ex, e);
            } else if (ar.cause() instanceof ProvisioningException e) {
                HubErrors.send(ex, HubErrors.fromCore(e));
            } else {
                LOG.error("hub API failure on {} {}", ex.method(), ex.request().path(), ar.cause());
                HubErrors.send(ex, new HubError(HubErrorCode.SERVER_ERROR, "Internal error; see the server log."));
            }
        });
    }

    /** A method's device (404001) and module (404010) must be in the registry. */
    private void requireIdentity(ConnectionKey key) {
        if (builtIn.devices().storedDevice(key.hub(), key.deviceId()).isEmpty()) {
            throw HubError.deviceNotFound(key.deviceId());
        }
        if (key.isModule() && !builtIn.modules().exists(key.hub(), key.deviceId(), key.moduleId())) {
            throw HubError.moduleNotFound(key.deviceId(), key.moduleId());
        }
    }

    private void authorize(String hub, String authorization) {
        BuiltInHubConfig config = builtIn.devices().hub(hub).orElseThrow(() ->
                new HubError(HubErrorCode.IOT_HUB_NOT_FOUND, "No hub is served at host '" + hub + "'."));
        SasToken token = SasToken.parse(authorization).orElseThrow(() ->
                new HubError(HubErrorCode.UNAUTHORIZED, "Missing or malformed SharedAccessSignature Authorization header."));
        if (token.keyName() == null || !token.keyName().equalsIgnoreCase(config.ownerKeyName())) {
            throw new HubError(HubErrorCode.UNAUTHORIZED, "Unknown shared access policy '" + token.keyName() + "'.");
        }
        SasVerifier.Result r = sas.verify(token, hub, List.of(config.primaryKey(), config.secondaryKey()));
        if (r != SasVerifier.Result.VALID) {
            throw new HubError(HubErrorCode.UNAUTHORIZED, "SAS token refused: " + r.name().toLowerCase().replace('_', ' ') + ".");
        }
    }

    /** Server-sent events, one per device-to-cloud message, until the client goes away. */
    private void stream(Exchange ex, String hub) {
        HttpServerResponse response = ex.request().response();
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        response.write(": connected to " + hub + "\n\n");
        var context = io.vertx.core.Vertx.currentContext();
        Consumer<TelemetryMessage> listener = m -> {
            if (!m.hub().equalsIgnoreCase(hub)) {
                return;
            }
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("deviceId", m.deviceId());
            if (m.moduleId() != null) {
                event.put("moduleId", m.moduleId());
            }
            event.put("enqueuedTime", m.enqueuedTime().toString());
            event.put("properties", m.properties());
            event.put("systemProperties", m.systemProperties());
            String text = new String(m.body(), StandardCharsets.UTF_8);
            try {
                event.put("body", Json.MAPPER.readTree(text));
            } catch (Exception notJson) {
                event.put("bodyBase64", Base64.getEncoder().encodeToString(m.body()));
            }
            String line = "data: " + Json.write(event) + "\n\n";
            context.runOnContext(v -> {
                if (!response.ended() && !response.closed()) {
                    response.write(line);
                }
            });
        };
        builtIn.telemetry().addTelemetryListener(listener);
        response.closeHandler(v -> builtIn.telemetry().removeTelemetryListener(listener));
        ex.request().connection().closeHandler(v -> builtIn.telemetry().removeTelemetryListener(listener));
    }

    /** IoT Hub's PurgeMessageQueueResult. */
    private static Map<String, Object> purged(String deviceId, int count) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("deviceId", deviceId);
        result.put("moduleId", null);
        result.put("totalMessagesPurged", count);
        return result;
    }

    /** IoT Hub's RegistryStatistics: total, enabled and disabled device counts. */
    private Map<String, Long> statistics(String hub) {
        long total = builtIn.devices().deviceCount(hub);
        long disabled = builtIn.devices().disabledDeviceCount(hub);
        Map<String, Long> stats = new java.util.LinkedHashMap<>();
        stats.put("totalDeviceCount", total);
        stats.put("enabledDeviceCount", total - disabled);
        stats.put("disabledDeviceCount", disabled);
        return stats;
    }

    private static HubDevice readDevice(Exchange ex, String pathId) {
        HubDevice device = Json.read(nonEmpty(ex), HubDevice.class);
        if (device.deviceId() != null && !device.deviceId().equals(pathId)) {
            throw HubError.argumentInvalid("deviceId in the body differs from the path.");
        }
        return device.deviceId() == null ? device.withDeviceId(pathId) : device;
    }

    private static JsonNode readJson(Exchange ex) {
        return Json.tree(nonEmpty(ex));
    }

    /**
     * The request's method, honouring {@code X-HTTP-Method-Override} on a POST: the Java service SDK sends its twin
     * PATCHes that way ({@code HttpURLConnection} cannot send PATCH), and IoT Hub accepts them.
     */
    static String methodOf(Exchange ex) {
        String override = ex.header("X-HTTP-Method-Override");
        return ex.method().equals("POST") && override != null && !override.isBlank()
                ? override.strip().toUpperCase(java.util.Locale.ROOT) : ex.method();
    }

    static String nonEmpty(Exchange ex) {
        if (ex.body() == null || ex.body().isBlank()) {
            throw HubError.argumentInvalid("A JSON request body is required.");
        }
        return ex.body();
    }

    private static HubError notFound(String id) {
        return HubError.deviceNotFound(id);
    }
}
