package dev.muster.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a request line whose protocol is not HTTP/1.0 or HTTP/1.1 with our own status line and a close:
 * {@code HTTP/1.1 505 HTTP Version Not Supported} for another HTTP version, {@code HTTP/1.1 400 Bad Request} for
 * another protocol name. Vert.x would answer {@code 501} with the client's own token as the status line's protocol
 * ({@code HTTP/9.9 501}, {@code FOO/1.1 501}), before any handler of ours runs.
 *
 * <p>It sits in the connection's Netty pipeline right after Vert.x's HTTP/1.x decoder and encoder (handler names
 * {@code httpDecoder}, {@code httpEncoder}, checked against vertx-core 5.0.7); Vert.x exposes the pipeline of an HTTP connection only
 * through {@code ConnectionBase.channelHandlerContext()} of its {@code impl} package. A connection without them
 * (none today: the listeners speak HTTP/1.x only) is left as it is. HttpEdgeIT notices a change.
 */
public final class HttpVersionGuard extends ChannelInboundHandlerAdapter {
    private static final String DECODER = "httpDecoder";
    private static final String ENCODER = "httpEncoder";

    private boolean refused;

    private HttpVersionGuard() {}

    /** For {@code HttpServer.connectionHandler}: guards this connection. */
    public static void install(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
            if (pipeline.get(DECODER) != null && pipeline.get(ENCODER) != null) {
                // After the encoder too, so that the refusal written from here is encoded.
                pipeline.addAfter(ENCODER, "httpVersionGuard", new HttpVersionGuard());
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused) {
            ReferenceCountUtil.release(msg); // the rest of a refused request
            return;
        }
        if (msg instanceof HttpRequest request && !supported(request.protocolVersion())) {
            refused = true;
            ReferenceCountUtil.release(msg);
            boolean http = "HTTP".equals(request.protocolVersion().protocolName());
            ctx.writeAndFlush(refusal(http ? HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED
                            : HttpResponseStatus.BAD_REQUEST,
                    http ? "Only HTTP/1.1 and HTTP/1.0 are served here." : "The request line is not HTTP."))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.channelRead(ctx, msg);
    }

    private static boolean supported(HttpVersion version) {
        return HttpVersion.HTTP_1_1.equals(version) || HttpVersion.HTTP_1_0.equals(version);
    }

    private static FullHttpResponse refusal(HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
