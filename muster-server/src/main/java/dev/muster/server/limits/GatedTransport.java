package dev.muster.server.limits;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's NIO transport, except that every listening socket it makes carries the {@link AcceptGate}. Vert.x offers
 * no hook between accepting a socket and starting its TLS handshake; the transport (a public SPI, chosen with
 * {@code Vertx.builder().withTransport}) is where its server sockets are made, and a handler added to a listening
 * socket's pipeline then sees each accepted connection before Netty's own acceptor sets it up. Everything else is
 * NIO's own behaviour, delegated unchanged.
 */
public final class GatedTransport implements Transport {
    private final io.vertx.core.spi.transport.Transport gated;

    public GatedTransport(AcceptGate gate) {
        this.gated = new Gated(Transport.NIO.implementation(), gate);
    }

    @Override
    public String name() {
        return Transport.NIO.name();
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public io.vertx.core.spi.transport.Transport implementation() {
        return gated;
    }

    private record Gated(io.vertx.core.spi.transport.Transport nio, AcceptGate gate)
            implements io.vertx.core.spi.transport.Transport {
        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
            ChannelFactory<? extends ServerChannel> plain = nio.serverChannelFactory(domainSocket);
            return () -> {
                ServerChannel listening = plain.newChannel();
                // First in the pipeline: ServerBootstrap adds its acceptor behind it when the socket is bound.
                listening.pipeline().addLast("muster-accept-gate", gate);
                return listening;
            };
        }

        @Override
        public boolean supportsDomainSockets() {
            return nio.supportsDomainSockets();
        }

        @Override
        public boolean supportFileRegion() {
            return nio.supportFileRegion();
        }

        @Override
        public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
            return nio.convert(address);
        }

        @Override
        public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
            return nio.convert(address);
        }

        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return nio.ioHandlerFactory();
        }

        @Override
        public EventLoopGroup eventLoopGroup(int type, int nThreads, ThreadFactory threadFactory, int ioRatio) {
            return nio.eventLoopGroup(type, nThreads, threadFactory, ioRatio);
        }

        @Override
        public DatagramChannel datagramChannel() {
            return nio.datagramChannel();
        }

        @Override
        public DatagramChannel datagramChannel(InternetProtocolFamily family) {
            return nio.datagramChannel(family);
        }

        @Override
        public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
            return nio.channelFactory(domainSocket);
        }

        @Override
        public void configure(DatagramChannel channel, DatagramSocketOptions options) {
            nio.configure(channel, options);
        }

        @Override
        public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket,
                              Bootstrap bootstrap) {
            nio.configure(options, connectTimeout, domainSocket, bootstrap);
        }

        @Override
        public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
            nio.configure(options, domainSocket, bootstrap);
        }
    }
}
