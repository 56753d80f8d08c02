package dev.muster.server.http;

import dev.muster.transport.ClientCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.security.cert.X509Certificate;
import java.util.List;
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
            // A bad frame or a close can arrive while the inner connection is being made: handled here, it only
            // closes the WebSocket (unhandled, Vert.x logged it as an error every time).
            ws.exceptionHandler(e -> LOG.debug("WebSocket closed on a protocol error: {}", e.toString()));
            List<X509Certificate> chain = ClientCertificates.of(request.isSSL() ? request.sslSession() : null, null);
            client.connect(port, "127.0.0.1").onComplete(c -> {
                if (c.failed()) {
                    if (!ws.isClosed()) {
                        ws.close((short) 1011, "internal listener unavailable");
                    }
                    return;
                }
                NetSocket socket = c.result();
                if (ws.isClosed()) {
                    socket.close(); // the device went away meanwhile: nothing to bridge, nothing to keep open
                    return;
                }
                // The device's TLS client chain reaches the inner listener (X.509 over WebSockets).
                int bridgePort = socket.localAddress().port();
                ClientCertificates.bridge(bridgePort, chain);
                socket.closeHandler(v -> {
                    ClientCertificates.unbridge(bridgePort);
                    if (!ws.isClosed()) {
                        ws.close();
                    }
                });
                // Either side ending ends the other at once, so no inner socket outlives its WebSocket.
                ws.closeHandler(v -> socket.close());
                ws.pipeTo(socket);
                socket.pipeTo(ws);
                ws.resume();
            });
        });
    }
}
