package dev.muster.server.limits;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on every listening socket's pipeline, where Netty hands over each accepted connection, and closes the ones
 * over the {@link ConnectionLimiter}'s limits at once: before TLS, before any buffer or handler is set up for them,
 * the cheapest refusal there is. Only the ports {@link #guard guarded} count (the TLS listeners devices reach); the
 * WebSocket bridge's own loopback listeners are not, or every bridged device would be counted twice and all of them
 * against 127.0.0.1.
 */
@ChannelHandler.Sharable
public final class AcceptGate extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptGate.class);

    private final ConnectionLimiter limiter;
    private final RefusalLog refusals;
    private final Set<Integer> guardedPorts = ConcurrentHashMap.newKeySet();

    public AcceptGate(ConnectionLimiter limiter) {
        this.limiter = limiter;
        this.refusals = new RefusalLog(limiter, LOG::warn, System::nanoTime);
    }

    /** Connections accepted on this local port are counted and limited from now on. */
    public void guard(int port) {
        guardedPorts.add(port);
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child && isGuarded(ctx.channel())
                && child.remoteAddress() instanceof InetSocketAddress remote) {
            InetAddress source = remote.getAddress();
            ConnectionLimiter.Refusal refusal = limiter.admit(source);
            if (refusal != null) {
                refusals.refused(refusal, source);
                child.unsafe().closeForcibly(); // not yet registered with an event loop: nothing else to undo
                return;
            }
            child.closeFuture().addListener(closed -> limiter.release(source));
        }
        ctx.fireChannelRead(msg);
    }

    private boolean isGuarded(Channel listening) {
        return listening.localAddress() instanceof InetSocketAddress local && guardedPorts.contains(local.getPort());
    }
}
