package dev.muster.server.amqp;

import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.sasl.ProtonSaslAuthenticator;
import io.vertx.proton.sasl.ProtonSaslAuthenticatorFactory;
import org.apache.qpid.proton.engine.Transport;

/**
 * Gives every AMQP connection's socket an exception handler, then lets the real SASL authenticator work. Proton sets
 * none, so Vert.x logged each reset connection or broken TLS record at ERROR ("Connection reset"), a line anyone can
 * cause; SASL's {@code init} is the one place that sees the socket. The fault goes to the listener's handler and
 * the connection is closed.
 */
public final class SocketErrorsReported implements ProtonSaslAuthenticator {
    private final ProtonSaslAuthenticator sasl;
    private final Handler<Throwable> errors;

    private SocketErrorsReported(ProtonSaslAuthenticator sasl, Handler<Throwable> errors) {
        this.sasl = sasl;
        this.errors = errors;
    }

    public static ProtonSaslAuthenticatorFactory around(ProtonSaslAuthenticatorFactory sasl, Handler<Throwable> errors) {
        return () -> new SocketErrorsReported(sasl.create(), errors);
    }

    @Override
    public void init(NetSocket socket, ProtonConnection connection, Transport transport) {
        socket.exceptionHandler(e -> {
            errors.handle(e);
            socket.close();
        });
        sasl.init(socket, connection, transport);
    }

    @Override
    public void process(Handler<Boolean> completion) {
        sasl.process(completion);
    }

    @Override
    public boolean succeeded() {
        return sasl.succeeded();
    }
}
