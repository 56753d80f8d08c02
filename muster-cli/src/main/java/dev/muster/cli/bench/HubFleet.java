package dev.muster.cli.bench;

import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A fleet of devices in a built-in hub, each connected over MQTT as the device SDKs connect (SAS token, the hub's
 * user name), for the hub workloads: created through the hub's REST API before a phase, deleted after it. The back
 * end's side shares the fleet's Vert.x and its kept-alive HTTPS client to the hub.
 */
public final class HubFleet implements AutoCloseable {
    static final String API = "api-version=2021-04-12";

    /**
     * Where the hub is and how big the fleet is.
     *
     * @param kind names the workload in the devices' IDs ({@code bench-RUN-KIND-0001})
     */
    public record Options(String hubConnectionString, int httpsPort, int mqttPort, Path caPem, int devices,
                          int concurrency, String run, String kind) {
        Options as(String otherKind) {
            return new Options(hubConnectionString, httpsPort, mqttPort, caPem, devices, concurrency, run, otherKind);
        }
    }

    private final Options options;
    private final ConnectionString hub;
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http;
    private final List<String> deviceIds = new ArrayList<>();
    private final List<MqttClient> devices = new ArrayList<>();
    private final java.util.Map<String, MqttClient> devicesById = new java.util.concurrent.ConcurrentHashMap<>();
    private final String serviceToken;

    private HubFleet(Options options) {
        this.options = options;
        this.hub = ConnectionString.parse(options.hubConnectionString());
        this.http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setKeepAlive(true)
                        .setTrustOptions(new PemTrustOptions().addCertPath(options.caPem().toString()))
                        .setDefaultHost(hub.hostName()).setDefaultPort(options.httpsPort()),
                new PoolOptions().setHttp1MaxSize(Math.max(1, options.concurrency())));
        this.serviceToken = SasSigner.sign(hub.hostName(), hub.key(), hub.keyName(),
                Instant.now().plusSeconds(3600).getEpochSecond());
    }

    /**
     * Creates the devices and connects each, subscribed to {@code topic} (with {@code {id}} replaced by its ID);
     * {@code onMessage} gets each message a device receives. Blocks until every device is ready.
     */
    static HubFleet open(Options options, String topic, int qos, BiConsumer<MqttClient, MqttPublishMessage> onMessage)
            throws Exception {
        HubFleet fleet = new HubFleet(options);
        try {
            fleet.connect(topic, qos, onMessage);
        } catch (Exception e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    private void connect(String topic, int qos, BiConsumer<MqttClient, MqttPublishMessage> onMessage)
            throws Exception {
        SecureRandom random = new SecureRandom();
        List<Future<?>> ready = new ArrayList<>();
        for (int i = 0; i < options.devices(); i++) {
            String id = String.format("bench-%s-%s-%04d", options.run(), options.kind(), i);
            byte[] k = new byte[32];
            random.nextBytes(k);
            String key = Base64.getEncoder().encodeToString(k);
            String body = "{\"deviceId\":\"" + id + "\",\"authentication\":{\"type\":\"sas\",\"symmetricKey\":"
                    + "{\"primaryKey\":\"" + key + "\",\"secondaryKey\":\"" + key + "\"}}}";
            ready.add(call(HttpMethod.PUT, "/devices/" + id, body).compose(status -> status == 200
                    ? connect(id, key, topic.replace("{id}", id), qos, onMessage)
                    : Future.failedFuture("creating " + id + " answered " + status)));
            deviceIds.add(id);
        }
        Future.all(ready).await(120, TimeUnit.SECONDS);
    }

    private Future<Void> connect(String id, String key, String topic, int qos,
                                 BiConsumer<MqttClient, MqttPublishMessage> onMessage) {
        String token = SasSigner.sign(hub.hostName() + "/devices/" + id, key, null,
                Instant.now().plusSeconds(3600).getEpochSecond());
        MqttClient device = MqttClient.create(vertx, new MqttClientOptions().setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(options.caPem().toString()))
                .setHostnameVerificationAlgorithm("HTTPS")
                .setClientId(id).setUsername(hub.hostName() + "/" + id + "/?" + API).setPassword(token)
                .setCleanSession(false).setKeepAliveInterval(240).setMaxMessageSize(300 * 1024));
        synchronized (devices) {
            devices.add(device);
        }
        devicesById.put(id, device);
        device.publishHandler(m -> onMessage.accept(device, m));
        return device.connect(options.mqttPort(), hub.hostName()).compose(ack -> device.subscribe(topic, qos))
                .mapEmpty();
    }

    Future<Integer> call(HttpMethod method, String path, String body) {
        RequestOptions r = new RequestOptions().setMethod(method).setURI(path + "?" + API)
                .putHeader("Authorization", serviceToken).putHeader("Content-Type", "application/json");
        return http.request(r).compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()));
    }

    /** A GET of the hub's service API: the body, or a failure naming the status. */
    Future<String> get(String path) {
        RequestOptions r = new RequestOptions().setMethod(HttpMethod.GET).setURI(path + "?" + API)
                .putHeader("Authorization", serviceToken);
        return http.request(r).compose(req -> req.send()).compose(resp -> resp.body().compose(b ->
                resp.statusCode() == 200 ? Future.succeededFuture(b.toString())
                        : Future.failedFuture("GET " + path + " answered " + resp.statusCode())));
    }

    Vertx vertx() {
        return vertx;
    }

    HttpClient http() {
        return http;
    }

    String serviceToken() {
        return serviceToken;
    }

    ConnectionString hub() {
        return hub;
    }

    /** The connected client of device {@code id}. */
    MqttClient device(String id) {
        return devicesById.get(id);
    }

    List<String> deviceIds() {
        return deviceIds;
    }

    /** Disconnects the fleet and deletes its devices from the hub (best effort). */
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
            // best effort: the devices may stay in the hub
        } finally {
            vertx.close();
        }
    }
}
