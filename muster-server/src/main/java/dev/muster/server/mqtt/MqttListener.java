package dev.muster.server.mqtt;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.impl.MqttServerConnection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The device MQTT listener (8883). It is Vert.x's MQTT server with one difference that X.509 devices need: Vert.x
 * only exposes the CONNECT user name when a password is present too ({@code MqttEndpoint.auth()} is null otherwise),
 * but the Azure SDKs send a user name and no password when they authenticate with a client certificate. A handler
 * after the MQTT decoder turns such a CONNECT into one with an empty password, so the endpoint sees the user name
 * (the ID scope / hub name) and an empty password, which the DPS and hub endpoints read as "X.509".
 *
 * <p>Why this reaches into Vert.x internals (checked against vertx-mqtt 5.0.7; re-check on every upgrade):
 * <ul>
 * <li>{@code MqttServerConnection.handleConnect} builds {@code MqttAuth} only when the CONNECT has a user name
 *     <em>and</em> a password; without a password the user name is dropped before any handler of ours runs.</li>
 * <li>The supported API offers no way around that: {@code MqttServer} has only {@code endpointHandler},
 *     {@code exceptionHandler}, {@code listen}, {@code actualPort} and {@code close}; {@code MqttServerOptions} has
 *     no hook into the Netty pipeline or the CONNECT decoding ({@code MqttServerImpl} builds its pipeline in a
 *     private {@code initChannel}); {@code MqttEndpoint} gives no access to the raw CONNECT, and
 *     {@code connectProperties()} carries MQTT 5 properties only, not the user name.</li>
 * <li>Rewriting the CONNECT in a TCP proxy in front of a stock {@code MqttServer} would lose what X.509 devices are
 *     identified by: the endpoint's {@code sslSession()} (the client chain) and {@code remoteAddress()} would be the
 *     proxy's loopback connection.</li>
 * </ul>
 * So this class builds the pipeline {@code MqttServerImpl} builds (encoder, decoder, connect timeout, same handler
 * names) on a plain {@code NetServer}, adds {@link ConnectWithoutPassword}, creates Vert.x's own
 * {@link MqttServerConnection} (a public class with a public constructor, but in an {@code impl} package) on the
 * internal {@code NetSocketInternal}, and feeds it decoded messages through its package-private
 * {@code handleMessage(Object)} under the connection's monitor, as {@code MqttServerImpl} does.
 *
 * <p>What breaks if Vert.x changes: a renamed or re-typed {@code handleMessage} fails class initialisation, so the
 * server refuses to start (loud, not silent); a changed {@code MqttServerConnection} constructor or
 * {@code NetSocketInternal} fails the build. Silent drift is the risk: if {@code MqttServerImpl} changes its
 * pipeline (new handlers, decoder limits, the WebSocket handshake event it forwards, which this TCP-only listener
 * does not need: 443 is bridged by {@code WebSocketBridge}), this copy no longer matches it; X509ProvisioningIT,
 * RawMqttIT and ListenerTimeoutsIT are the tests that notice. If Vert.x ever keeps a user name without a password,
 * delete this class and use {@code MqttServer.create}: the endpoints already read a null and an empty password
 * alike.
 */
public final class MqttListener {
    /** Package-private in Vert.x: the only entry that both decodes the CONNECT and runs the endpoint handler. */
    private static final Method HANDLE_MESSAGE;

    static {
        try {
            HANDLE_MESSAGE = MqttServerConnection.class.getDeclaredMethod("handleMessage", Object.class);
            HANDLE_MESSAGE.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError("vertx-mqtt changed: MqttServerConnection.handleMessage is gone");
        }
    }

    private final MqttServerOptions options;
    private final NetServer server;

    public MqttListener(Vertx vertx, MqttServerOptions options, Handler<MqttEndpoint> endpoints,
                        Handler<Throwable> errors) {
        this.options = options;
        this.server = vertx.createNetServer(options).connectHandler(so -> {
            NetSocketInternal soi = (NetSocketInternal) so;
            ChannelPipeline p = soi.channelHandlerContext().pipeline();
            p.addBefore("handler", "mqttEncoder", MqttEncoder.INSTANCE);
            p.addBefore("handler", "mqttDecoder",
                    new MqttDecoder(options.getMaxMessageSize(), options.getMaxClientIdLength()));
            p.addBefore("handler", "connectWithoutPassword", new ConnectWithoutPassword());
            p.addBefore("handler", "idle", new IdleStateHandler(options.timeoutOnConnect(), 0, 0));
            p.addBefore("handler", "timeoutOnConnect", new ChannelDuplexHandler() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                    if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE) {
                        ctx.channel().close();
                    }
                    super.userEventTriggered(ctx, evt);
                }
            });
            if (errors != null) {
                // Until CONNECT (which installs Vert.x's own handler), a malformed packet reaches the socket: without
                // a handler Vert.x logs each at ERROR. Netty's decoder drops all that follows, so close too.
                soi.exceptionHandler(e -> {
                    errors.handle(e);
                    soi.close();
                });
            }
            MqttServerConnection conn = new MqttServerConnection(soi, endpoints, errors, options);
            soi.messageHandler(msg -> {
                synchronized (conn) {
                    try {
                        HANDLE_MESSAGE.invoke(conn, msg);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    } catch (InvocationTargetException e) {
                        if (refusedBeforeConnack(e.getCause())) {
                            // Vert.x has closed the connection already: a client fault, for the error handler.
                            if (errors != null) {
                                errors.handle(e.getCause());
                            }
                            return;
                        }
                        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                }
            });
        });
        if (errors != null) {
            server.exceptionHandler(errors);
        }
    }

    /**
     * Vert.x's answer to a packet that arrives after CONNECT but before the CONNACK (the hub answers a CONNECT only
     * once the token is checked, off the event loop): {@code MqttServerConnection.checkConnected} closes the
     * connection and throws, which unhandled was an ERROR line each time. The Azure SDKs wait for the CONNACK.
     */
    static boolean refusedBeforeConnack(Throwable e) {
        StackTraceElement[] at = e.getStackTrace();
        return e instanceof IllegalArgumentException && at.length > 0
                && at[0].getClassName().equals(MqttServerConnection.class.getName())
                && at[0].getMethodName().equals("checkConnected");
    }

    public Future<MqttListener> listen() {
        return server.listen(options.getPort(), options.getHost()).map(s -> this);
    }

    public int actualPort() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }

    /** User name without password (X.509 devices) → the same CONNECT with an empty password. */
    static final class ConnectWithoutPassword extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof MqttConnectMessage m) {
                ctx.pipeline().remove(this);
                MqttConnectVariableHeader h = m.variableHeader();
                if (h.hasUserName() && !h.hasPassword()) {
                    MqttConnectPayload p = m.payload();
                    msg = new MqttConnectMessage(m.fixedHeader(),
                            new MqttConnectVariableHeader(h.name(), h.version(), true, true, h.isWillRetain(),
                                    h.willQos(), h.isWillFlag(), h.isCleanSession(), h.keepAliveTimeSeconds(),
                                    h.properties()),
                            new MqttConnectPayload(p.clientIdentifier(), p.willProperties(), p.willTopic(),
                                    p.willMessageInBytes(), p.userName(), new byte[0]));
                }
            }
            super.channelRead(ctx, msg);
        }
    }
}
