package dev.muster.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One device registering over DPS MQTT (reference §2) the way the Azure SDKs do it: fresh TLS connection,
 * CONNECT (client ID = registration ID, user name = {@code {scope}/registrations/{id}/api-version=…}, password = SAS
 * token), SUBSCRIBE {@code $dps/registrations/res/#} and wait for SUBACK, PUBLISH the register request, then poll
 * after each 202 until the answer is final. Each step waits for the previous answer, so a device costs the same
 * round trips as a real one.
 */
public final class MqttJob implements Job {
    private static final String API = "api-version=2019-03-31";

    private final TlsClient tls;
    private final InetSocketAddress address;
    private final String sni;
    private final String idScope;
    private final String registrationId;
    private final String token;
    private final DpsHttp.Assignments assignments;

    public MqttJob(TlsClient tls, InetSocketAddress address, String sni, String idScope, String registrationId,
                   String token, DpsHttp.Assignments assignments) {
        this.tls = tls;
        this.address = address;
        this.sni = sni;
        this.idScope = idScope;
        this.registrationId = registrationId;
        this.token = token;
        this.assignments = assignments;
    }

    @Override
    public void start(Recorder recorder, long originNanos, Runnable finished) {
        long connectStart = System.nanoTime();
        Session s = new Session(recorder, originNanos, finished);
        ChannelFuture f = tls.bootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                SslHandler ssl = tls.newHandler(ch.alloc(), sni);
                ssl.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        recorder.handshake(System.nanoTime() - connectStart);
                    }
                });
                ch.pipeline().addLast(ssl, new MqttDecoder(256 * 1024), MqttEncoder.INSTANCE, s);
            }
        }).connect(address);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                s.finish("connect: " + Errors.kind(done.cause()));
            }
        });
    }

    private final class Session extends SimpleChannelInboundHandler<MqttMessage> {
        private final Recorder recorder;
        private final long originNanos;
        private final Runnable finished;
        private boolean over;
        private int rid;
        private ScheduledFuture<?> timeout;
        private Channel channel;

        Session(Recorder recorder, long originNanos, Runnable finished) {
            this.recorder = recorder;
            this.originNanos = originNanos;
            this.finished = finished;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            timeout = ctx.executor().schedule(() -> finish("timeout"), HttpsJob.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            ctx.writeAndFlush(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId(registrationId).cleanSession(true).keepAlive(60)
                    .hasUser(true).username(idScope + "/registrations/" + registrationId + "/" + API)
                    .hasPassword(true).password(token.getBytes(StandardCharsets.UTF_8)).build());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            if (msg.decoderResult().isFailure()) {
                finish("bad MQTT frame");
                return;
            }
            MqttMessageType type = msg.fixedHeader().messageType();
            if (type == MqttMessageType.CONNACK) {
                MqttConnectReturnCode rc = ((MqttConnAckMessage) msg).variableHeader().connectReturnCode();
                if (rc != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                    finish("CONNACK " + rc);
                    return;
                }
                ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                        .addSubscription(MqttQoS.AT_LEAST_ONCE, "$dps/registrations/res/#").build());
            } else if (type == MqttMessageType.SUBACK) {
                publish(ctx, "$dps/registrations/PUT/iotdps-register/?$rid=" + (++rid),
                        "{\"registrationId\":\"" + registrationId + "\"}");
            } else if (type == MqttMessageType.PUBLISH) {
                answer(ctx, (MqttPublishMessage) msg);
            }
        }

        private void answer(ChannelHandlerContext ctx, MqttPublishMessage msg) {
            String topic = msg.variableHeader().topicName();
            if (!topic.startsWith("$dps/registrations/res/")) {
                finish("unexpected topic");
                return;
            }
            String rest = topic.substring("$dps/registrations/res/".length());
            int slash = rest.indexOf('/');
            String status = slash > 0 ? rest.substring(0, slash) : rest;
            JsonNode body;
            try (InputStream in = new ByteBufInputStream(msg.payload().duplicate())) {
                body = Json.MAPPER.readTree(in);
            } catch (IOException | RuntimeException e) {
                finish("bad answer: unreadable JSON");
                return;
            }
            if (!status.equals("200") && !status.equals("202")) {
                finish("MQTT res " + status + (body.has("errorCode") ? " " + body.get("errorCode") : ""));
                return;
            }
            HttpsJob.Step step = DpsHttp.outcome(body, registrationId, assignments);
            if (step == null) {
                String op = body.path("operationId").asText("");
                long wait = DpsHttp.retryAfterMillis(DpsMqttTopics.retryAfter(topic));
                ctx.executor().schedule(() -> publish(ctx, "$dps/registrations/GET/iotdps-get-operationstatus/?$rid="
                        + (++rid) + "&operationId=" + op, ""), wait, TimeUnit.MILLISECONDS);
            } else if (step.done()) {
                ctx.writeAndFlush(MqttMessage.DISCONNECT);
                finish(null);
            } else {
                finish(step.errorKind());
            }
        }

        private void publish(ChannelHandlerContext ctx, String topic, String body) {
            ctx.writeAndFlush(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_MOST_ONCE).retained(false)
                    .payload(Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8))).build());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish("closed before the answer");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(Errors.kind(cause));
        }

        /** @param errorKind null for success */
        void finish(String errorKind) {
            if (over) {
                return;
            }
            over = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            if (errorKind == null) {
                recorder.success(System.nanoTime() - originNanos);
            } else {
                recorder.error(errorKind);
            }
            finished.run();
        }
    }
}
