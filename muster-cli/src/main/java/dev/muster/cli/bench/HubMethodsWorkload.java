package dev.muster.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The direct-method workload of a built-in hub: a fleet of devices connected over MQTT answering every method at
 * once (as a device application does), and a back end invoking methods through the hub's REST API on kept-alive
 * connections, as the service SDKs do. One job is one round trip: {@code POST /twins/{id}/methods} → the hub's
 * request to the device → its answer → the 200 with the device's status and payload.
 */
public final class HubMethodsWorkload implements AutoCloseable {
    private static final String API = "api-version=2021-04-12";

    /** Where the hub is and how big the fleet is. */
    public record Options(String hubConnectionString, int httpsPort, int mqttPort, Path caPem, int devices,
                          int concurrency, String run) {}

    private final Options options;
    private final ConnectionString hub;
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http;
    private final List<String> deviceIds = new ArrayList<>();
    private final List<MqttClient> devices = new ArrayList<>();
    private final String serviceToken;

    private HubMethodsWorkload(Options options) {
        this.options = options;
        this.hub = ConnectionString.parse(options.hubConnectionString());
        this.http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setKeepAlive(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(options.caPem().toString()))
                .setDefaultHost(hub.hostName()).setDefaultPort(options.httpsPort()),
                new PoolOptions().setHttp1MaxSize(Math.max(1, options.concurrency())));
        this.serviceToken = SasSigner.sign(hub.hostName(), hub.key(), hub.keyName(),
                Instant.now().plusSeconds(3600).getEpochSecond());
    }

    /** Creates the devices in the hub and connects each, subscribed to methods; blocks until all are ready. */
    public static HubMethodsWorkload open(Options options) throws Exception {
        HubMethodsWorkload w = new HubMethodsWorkload(options);
        try {
            w.connectFleet();
        } catch (Exception e) {
            w.close();
            throw e;
        }
        return w;
    }

    private void connectFleet() throws Exception {
        SecureRandom random = new SecureRandom();
        List<Future<?>> ready = new ArrayList<>();
        for (int i = 0; i < options.devices(); i++) {
            String id = String.format("bench-%s-method-%04d", options.run(), i);
            byte[] k = new byte[32];
            random.nextBytes(k);
            String key = Base64.getEncoder().encodeToString(k);
            String body = "{\"deviceId\":\"" + id + "\",\"authentication\":{\"type\":\"sas\",\"symmetricKey\":"
                    + "{\"primaryKey\":\"" + key + "\",\"secondaryKey\":\"" + key + "\"}}}";
            ready.add(call(HttpMethod.PUT, "/devices/" + id, body).compose(status -> status == 200
                    ? connect(id, key) : Future.failedFuture("creating " + id + " answered " + status)));
            deviceIds.add(id);
        }
        Future.all(ready).await(120, TimeUnit.SECONDS);
    }

    private Future<Integer> call(HttpMethod method, String path, String body) {
        RequestOptions r = new RequestOptions().setMethod(method).setURI(path + "?" + API)
                .putHeader("Authorization", serviceToken).putHeader("Content-Type", "application/json");
        return http.request(r).compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()));
    }

    private Future<Void> connect(String id, String key) {
        String token = SasSigner.sign(hub.hostName() + "/devices/" + id, key, null,
                Instant.now().plusSeconds(3600).getEpochSecond());
        MqttClient device = MqttClient.create(vertx, new MqttClientOptions().setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(options.caPem().toString()))
                .setClientId(id).setUsername(hub.hostName() + "/" + id + "/?" + API).setPassword(token)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setCleanSession(false).setKeepAliveInterval(240).setMaxMessageSize(300 * 1024));
        synchronized (devices) {
            devices.add(device);
        }
        device.publishHandler(m -> {
            String topic = m.topicName();
            int rid = topic.indexOf("$rid=");
            if (topic.startsWith("$iothub/methods/POST/") && rid > 0) {
                // The answer carries the request's payload back, so the round trip moves bytes both ways.
                device.publish("$iothub/methods/res/200/?$rid=" + topic.substring(rid + 5), m.payload(),
                        MqttQoS.AT_MOST_ONCE, false, false);
            }
        });
        return device.connect(options.mqttPort(), hub.hostName())
                .compose(ack -> device.subscribe("$iothub/methods/POST/#", 0))
                .mapEmpty();
    }

    /** Job {@code i} invokes a method on device {@code i} modulo the fleet, with a small JSON payload. */
    public IntFunction<Job> jobs() {
        return i -> (recorder, originNanos, finished) -> {
            String id = deviceIds.get(i % deviceIds.size());
            String body = "{\"methodName\":\"bench\",\"payload\":{\"i\":" + i + "},\"responseTimeoutInSeconds\":30}";
            http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/twins/" + id + "/methods?" + API)
                            .putHeader("Authorization", serviceToken).putHeader("Content-Type", "application/json"))
                    .compose(req -> req.send(body))
                    .compose(resp -> resp.body().map(b -> resp.statusCode() == 200 ? b : null))
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result() != null && answered(ar.result(), i)) {
                            recorder.success(System.nanoTime() - originNanos);
                        } else {
                            recorder.error(ar.failed() ? "method-" + ar.cause().getClass().getSimpleName()
                                    : "method-refused");
                        }
                        finished.run();
                    });
        };
    }

    private static boolean answered(Buffer body, int i) {
        JsonNode r = Json.tree(body.toString(StandardCharsets.UTF_8));
        return r.path("status").asInt() == 200 && r.path("payload").path("i").asInt(-1) == i;
    }

    public int fleetSize() {
        return deviceIds.size();
    }

    /** Disconnects the fleet and deletes its devices from the hub. */
    @Override
    public void close() {
        try {
            List<Future<?>> gone = new ArrayList<>();
            synchronized (devices) {
                devices.forEach(d -> gone.add(d.isConnected() ? d.disconnect() : Future.succeededFuture()));
            }
            Future.join(gone).await(30, TimeUnit.SECONDS);
            List<Future<?>> deleted = new ArrayList<>();
            for (String id : deviceIds) {
                deleted.add(http.request(new RequestOptions().setMethod(HttpMethod.DELETE)
                                .setURI("/devices/" + id + "?" + API).putHeader("Authorization", serviceToken)
                                .putHeader("If-Match", "*"))
                        .compose(req -> req.send()).compose(resp -> resp.body()));
            }
            Future.join(deleted).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: the report says the devices may stay
        } finally {
            vertx.close();
        }
    }
}
