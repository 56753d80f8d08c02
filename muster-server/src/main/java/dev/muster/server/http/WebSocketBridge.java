package dev.muster.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT and AMQP over WebSockets on 443: the WebSocket's binary stream is piped to Muster's own plain listener for
 * that protocol on loopback, so one implementation serves both the raw and the WebSocket transport.
 */
public final class WebSocketBridge {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketBridge.class);
    public static final String MQTT = "mqtt";
    public static final String AMQP = "AMQPWSB10";

    private final NetClient client;
    private final Map<String, Integer> internalPorts;

    /** @param internalPorts sub-protocol → port of the plain listener on 127.0.0.1 */
    public WebSocketBridge(Vertx vertx, Map<String, Integer> internalPorts) {
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000).setTcpNoDelay(true));
        this.internalPorts = internalPorts;
    }

    public static boolean isUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    public void handle(HttpServerRequest request) {
        request.toWebSocket().onComplete(ar -> {
            if (ar.failed()) {
                LOG.debug("WebSocket upgrade refused: {}", ar.cause().toString());
                return;
            }
            ServerWebSocket ws = ar.result();
            String protocol = ws.subProtocol();
            Integer port = protocol == null ? null : internalPorts.get(protocol);
            if (port == null) {
                // Paho sends no sub-protocol on some paths; MQTT is the only WebSocket protocol without a name clash.
                port = protocol == null ? internalPorts.get(MQTT) : null;
            }
            if (port == null) {
                ws.close((short) 1002, "unsupported sub-protocol");
                return;
            }
            ws.pause();
            java.util.List<java.security.cert.X509Certificate> chain = dev.muster.transport.ClientCertificates.of(
                    request.isSSL() ? request.sslSession() : null, null);
            client.connect(port, "127.0.0.1").onComplete(c -> {
                if (c.failed()) {
                    ws.close((short) 1011, "internal listener unavailable");
                    return;
                }
                NetSocket socket = c.result();
                // The device's TLS client chain reaches the inner listener (X.509 over WebSockets).
                int bridgePort = socket.localAddress().port();
                dev.muster.transport.ClientCertificates.bridge(bridgePort, chain);
                socket.closeHandler(v -> dev.muster.transport.ClientCertificates.unbridge(bridgePort));
                ws.pipeTo(socket);
                socket.pipeTo(ws);
                ws.resume();
            });
        });
    }
}
