package dev.muster.cli.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One device over HTTPS: a new TCP connection and a full TLS handshake per request, the request written as
 * prebuilt bytes (no encoder: the client side must cost next to nothing), the response parsed by Netty's decoder.
 * The {@link Exchange} decides what an answer means; a 202 makes the device wait Retry-After and poll on a new
 * connection, exactly as an SDK device does, and the wait is part of its latency.
 */
public final class HttpsJob implements Job {
    static final long TIMEOUT_MILLIS = 30_000;

    /** The device's side of the conversation. */
    public interface Exchange {
        byte[] firstRequest();

        /** @return what to do with this response */
        Step onResponse(FullHttpResponse response);
    }

    /** Done, failed with a kind, or send {@code request} after {@code delayMillis}. */
    public record Step(boolean done, String errorKind, byte[] request, long delayMillis) {
        public static final Step DONE = new Step(true, null, null, 0);

        public static Step failed(String kind) {
            return new Step(false, kind, null, 0);
        }

        public static Step again(byte[] request, long delayMillis) {
            return new Step(false, null, request, delayMillis);
        }
    }

    private final TlsClient tls;
    private final InetSocketAddress address;
    private final String sni;
    private final Exchange exchange;
    private final String device;

    public HttpsJob(TlsClient tls, InetSocketAddress address, String sni, Exchange exchange) {
        this(tls, address, sni, exchange, null);
    }

    /** @param device the X.509 device whose client certificate every connection of this job presents, or null */
    public HttpsJob(TlsClient tls, InetSocketAddress address, String sni, Exchange exchange, String device) {
        this.tls = tls;
        this.address = address;
        this.sni = sni;
        this.exchange = exchange;
        this.device = device;
    }

    @Override
    public void start(Recorder recorder, long originNanos, Runnable finished) {
        send(exchange.firstRequest(), recorder, originNanos, finished, true);
    }

    private void send(byte[] request, Recorder recorder, long originNanos, Runnable finished, boolean first) {
        long connectStart = System.nanoTime();
        Conversation c = new Conversation(request, recorder, originNanos, finished);
        ChannelFuture f = tls.bootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                SslHandler ssl = tls.newHandler(ch.alloc(), sni, device);
                if (first) {
                    ssl.handshakeFuture().addListener(h -> {
                        if (h.isSuccess()) {
                            recorder.handshake(System.nanoTime() - connectStart);
                        }
                    });
                }
                ch.pipeline().addLast(ssl, new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20), c);
            }
        }).connect(address);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                c.finish(Step.failed("connect: " + Errors.kind(done.cause())));
            }
        });
    }

    /** One connection: write the request, take one response, close. */
    private final class Conversation extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final byte[] request;
        private final Recorder recorder;
        private final long originNanos;
        private final Runnable finished;
        private boolean over;
        private ScheduledFuture<?> timeout;
        private Channel channel;

        Conversation(byte[] request, Recorder recorder, long originNanos, Runnable finished) {
            this.request = request;
            this.recorder = recorder;
            this.originNanos = originNanos;
            this.finished = finished;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            timeout = ctx.executor().schedule(() -> finish(Step.failed("timeout")), TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            // Queued by the SslHandler until the handshake is done.
            ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Step step;
            try {
                step = exchange.onResponse(response);
            } catch (RuntimeException e) {
                step = Step.failed("bad answer: " + e.getClass().getSimpleName());
            }
            finish(step);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(Step.failed("closed before the answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(Step.failed(Errors.kind(cause)));
        }

        void finish(Step step) {
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
            if (step.done()) {
                recorder.success(System.nanoTime() - originNanos);
                finished.run();
            } else if (step.request() != null) {
                tls.group().next().schedule(() -> send(step.request(), recorder, originNanos, finished, false),
                        step.delayMillis(), TimeUnit.MILLISECONDS);
            } else {
                recorder.error(step.errorKind());
                finished.run();
            }
        }
    }
}
