package dev.muster.cli.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP/1.1 pipelining over a few kept-alive TLS connections: many requests written back to back on each
 * connection, the answers matched to them in order. Bulk set-up (a million enrollments) and clean-up go through the
 * public API this way at thousands of calls a second, where one call per round trip would take hours.
 */
public final class PipelinedClient implements AutoCloseable {
    /** An answer: status and body text. */
    public record Response(int status, String body) {}

    private final List<Connection> connections = new ArrayList<>();
    private final Semaphore window;
    private final int windowSize;
    private final AtomicInteger next = new AtomicInteger();

    public PipelinedClient(TlsClient tls, InetSocketAddress address, String sni, int connectionCount, int depth)
            throws IOException {
        this.windowSize = connectionCount * depth;
        this.window = new Semaphore(windowSize);
        for (int i = 0; i < connectionCount; i++) {
            Connection c = new Connection();
            try {
                tls.bootstrap().handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), sni), new HttpResponseDecoder(),
                                new HttpObjectAggregator(1 << 20), c);
                    }
                }).connect(address).sync();
            } catch (Exception e) {
                close();
                throw new IOException("cannot connect to " + address + ": " + Errors.kind(e), e);
            }
            connections.add(c);
        }
    }

    /** Sends one request (keep-alive); blocks while the pipelining window is full. */
    public CompletableFuture<Response> send(String method, String host, String target, String authorization,
                                            String body) throws InterruptedException {
        window.acquire();
        byte[] bytes = DpsHttp.request(method, host, target, authorization,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), false);
        Connection c = connections.get(Math.floorMod(next.getAndIncrement(), connections.size()));
        CompletableFuture<Response> answer = new CompletableFuture<>();
        answer.whenComplete((r, e) -> window.release());
        c.send(bytes, answer);
        return answer;
    }

    /** Waits until every request sent so far is answered: the whole window can be taken back only then. */
    public void drain() throws InterruptedException {
        window.acquire(windowSize);
        window.release(windowSize);
    }

    @Override
    public void close() {
        for (Connection c : connections) {
            c.close();
        }
    }

    private static final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final ArrayDeque<CompletableFuture<Response>> waiting = new ArrayDeque<>();
        private volatile Channel channel;

        // Known from the moment the handler joins the pipeline: the connect future can complete before channelActive.
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        void send(byte[] request, CompletableFuture<Response> answer) {
            channel.eventLoop().execute(() -> {
                if (!channel.isActive()) {
                    answer.completeExceptionally(new IOException("connection closed"));
                    return;
                }
                waiting.add(answer);
                channel.writeAndFlush(Unpooled.wrappedBuffer(request));
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            CompletableFuture<Response> f = waiting.poll();
            if (f != null) {
                f.complete(new Response(r.status().code(), r.content().toString(StandardCharsets.UTF_8)));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IOException closed = new IOException("connection closed by the server");
            for (CompletableFuture<Response> f; (f = waiting.poll()) != null; ) {
                f.completeExceptionally(closed);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        void close() {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
