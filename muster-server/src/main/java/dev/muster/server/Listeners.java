package dev.muster.server;

import dev.muster.server.amqp.AmqpFrontDoor;
import dev.muster.server.http.HttpVersionGuard;
import dev.muster.server.http.RequestDeadlines;
import dev.muster.server.http.WebSocketBridge;
import dev.muster.server.limits.AcceptGate;
import dev.muster.server.metrics.ProtocolErrors;
import dev.muster.server.mqtt.MqttFrontDoor;
import dev.muster.server.mqtt.MqttListener;
import dev.muster.transport.TlsOptions;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * This node's sockets: HTTPS, MQTT and AMQP over TLS on the configured ports, and the plain loopback listeners the
 * WebSocket bridge forwards to. Every TLS listener gets the same settings from one place ({@link #tls}); a failure
 * to listen is one sentence naming the option to change ({@link ListenFailures}). HTTPS listeners are kept by
 * address, so hosts can be added and the certificate swapped while the node runs. The TLS listeners' ports are
 * guarded by the connection limits ({@link AcceptGate}); HTTPS requests are held to their deadlines
 * ({@link RequestDeadlines}).
 */
final class Listeners {
    /** The largest MQTT packet: a 256 KB message (IoT Hub's limit) plus its topic and properties. */
    private static final int MQTT_MAX_MESSAGE = 256 * 1024 + 1024;
    private static final String LOOPBACK = "127.0.0.1";

    private final Vertx vertx;
    private final ServerConfig config;
    private volatile KeyCertOptions keyCert;
    private final Map<String, HttpServer> https = new ConcurrentHashMap<>();
    private final AcceptGate gate;
    private final RequestDeadlines deadlines;
    private final ProtocolErrors protocolErrors;

    /** @param gate the connection limits of the transport {@code vertx} was built with */
    Listeners(Vertx vertx, ServerConfig config, KeyCertOptions keyCert, AcceptGate gate, ProtocolErrors protocolErrors) {
        this.vertx = vertx;
        this.config = config;
        this.keyCert = keyCert;
        this.gate = gate;
        this.deadlines = new RequestDeadlines(vertx, config.httpDeadlines());
        this.protocolErrors = protocolErrors;
    }

    /**
     * The HTTPS listener (service API, device API, hubs, WebSockets) on one address. The idle time-out stays the
     * long one for upgraded WebSockets (MQTT keep-alives of minutes); plain HTTP is held to the shorter request
     * deadlines.
     */
    void https(String address, Handler<HttpServerRequest> requests) {
        HttpServerOptions options = tls(new HttpServerOptions())
                .setHost(address).setPort(config.httpsPort())
                .setIdleTimeout(config.timeouts().idleSeconds())
                .setMaxInitialLineLength(8192).setMaxHeaderSize(16384)
                .setWebSocketSubProtocols(List.of(WebSocketBridge.MQTT, WebSocketBridge.AMQP));
        HttpServer server = vertx.createHttpServer(options).connectionHandler(connection -> {
                    HttpVersionGuard.install(connection);
                    deadlines.connected(connection);
                })
                .requestHandler(deadlines.guard(requests));
        ListenFailures.await(server.listen(), "HTTPS", address, config.httpsPort(), "--https-port");
        gate.guard(server.actualPort());
        https.put(address, server);
    }

    boolean servesHttps(String address) {
        return https.containsKey(address);
    }

    /** Device MQTT over TLS on one address. */
    void mqtt(String address, MqttFrontDoor door) {
        MqttServerOptions options = tls(mqttOptions()).setHost(address).setPort(config.mqttPort());
        // Vert.x's MQTT server, plus the user name of X.509 CONNECTs that carry no password (see MqttListener).
        MqttListener mqtt = new MqttListener(vertx, options, door, protocolErrors.on("mqtt"));
        ListenFailures.await(mqtt.listen(), "MQTT", address, config.mqttPort(), "--mqtt-port");
        gate.guard(mqtt.actualPort());
    }

    /** Plain MQTT on loopback, behind the WebSocket bridge on 443; returns its port. */
    int bridgedMqtt(MqttFrontDoor door) {
        MqttServerOptions options = mqttOptions().setHost(LOOPBACK).setPort(0);
        MqttListener mqtt = new MqttListener(vertx, options, door, protocolErrors.on("mqtt-websocket"));
        ListenFailures.await(mqtt.listen(), "MQTT (WebSocket bridge)", LOOPBACK, 0, "--mqtt-port");
        return mqtt.actualPort();
    }

    /** AMQP 1.0/TLS (DPS and the hubs) on one address. */
    void amqp(String address, AmqpFrontDoor door) {
        ProtonServer amqp = door.server(tls(new ProtonServerOptions())
                .setHost(address).setPort(config.amqpPort()).setIdleTimeout(config.timeouts().idleSeconds()),
                protocolErrors.on("amqp"));
        ListenFailures.await(AmqpFrontDoor.listen(amqp, address, config.amqpPort()), "AMQP", address,
                config.amqpPort(), "--amqp-port");
        gate.guard(amqp.actualPort());
    }

    /** Plain AMQP on loopback, behind the WebSocket bridge (AMQPWSB10); returns its port. */
    int bridgedAmqp(AmqpFrontDoor door) {
        ProtonServer amqp = door.server(new ProtonServerOptions().setIdleTimeout(config.timeouts().idleSeconds()),
                protocolErrors.on("amqp-websocket"));
        ListenFailures.await(AmqpFrontDoor.listen(amqp, LOOPBACK, 0), "AMQP (WebSocket bridge)", LOOPBACK, 0,
                "--amqp-port");
        return amqp.actualPort();
    }

    /** The operators' metrics listener: plain HTTP on its own address (loopback by default), never a tenant's host. */
    void metrics(Handler<HttpServerRequest> endpoint) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(config.metricsBind())
                .setPort(config.metricsPort()).setIdleTimeout(config.timeouts().idleSeconds()));
        server.requestHandler(endpoint).connectionHandler(HttpVersionGuard::install);
        ListenFailures.await(server.listen(), "metrics", config.metricsBind(),
                config.metricsPort(), "--metrics-port (0 for none)");
    }

    /**
     * The CRL listener on one address: plain HTTP on purpose (RFC 5280 §4.2.1.13), so relying parties need no TLS
     * (and no revocation check of Muster's own certificate) to learn what was revoked.
     */
    void crl(String address, Handler<HttpServerRequest> endpoint) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(address)
                .setPort(config.crlPort()).setIdleTimeout(config.timeouts().idleSeconds()));
        server.requestHandler(endpoint).connectionHandler(HttpVersionGuard::install);
        ListenFailures.await(server.listen(), "CRL", address, config.crlPort(), "--crl-port (0 for none)");
    }

    /**
     * A new server certificate for every HTTPS listener, without a restart; listeners added later use it too.
     * Blocks until each has switched (not await(): this runs on a worker thread, the service API's blocking pool).
     */
    void replaceCertificate(KeyCertOptions certificate) throws Exception {
        this.keyCert = certificate;
        ServerSSLOptions ssl = tls(new HttpServerOptions()).getSslOptions();
        for (HttpServer server : https.values()) {
            server.updateSSLOptions(ssl, true).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private MqttServerOptions mqttOptions() {
        return new MqttServerOptions().setMaxMessageSize(MQTT_MAX_MESSAGE)
                .setTimeoutOnConnect(config.timeouts().connectSeconds());
    }

    /**
     * The TLS settings every device and service listener shares: Muster's certificate, TLS 1.2 and 1.3 (AEAD cipher
     * suites only, unless {@code --tls-legacy-ciphers}), BoringSSL when Netty can load it, the handshake time-out, and
     * a client certificate requested but not required (X.509 devices present theirs in TLS; the domain validates it
     * with precise reasons).
     */
    private <T extends NetServerOptions> T tls(T options) {
        options.setSsl(true)
                .setKeyCertOptions(keyCert)
                .setSslEngineOptions(TlsOptions.engine())
                .setEnabledSecureTransportProtocols(TlsOptions.PROTOCOLS)
                .setClientAuth(ClientAuth.REQUEST)
                .setTrustOptions(TlsOptions.acceptAnyClientCertificate())
                .setSslHandshakeTimeout(config.timeouts().handshakeSeconds())
                .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
        if (!config.tlsLegacyCiphers()) {
            TlsOptions.AEAD_CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        }
        return options;
    }
}
