package dev.muster.server;

import io.vertx.core.Future;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a listener to be up and turns a failure into one sentence that names the fix: a port below 1024 without
 * the right, a port already taken, an address that is not this machine's.
 */
final class ListenFailures {
    private ListenFailures() {
    }

    /**
     * @param what   the listener, as operators know it ("HTTPS", "MQTT", "AMQP (WebSocket bridge)")
     * @param option the {@code muster serve} option that chooses its port
     */
    static void await(Future<?> listening, String what, String address, int port, String option) {
        try {
            // Not await(): new instance hosts are bound from a worker thread, where Vert.x forbids it.
            listening.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw explain(cause, what, address, port, option);
        }
    }

    private static StartupException explain(Throwable cause, String what, String address, int port, String option) {
        String msg = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        String listener = "Cannot listen for " + what + " on " + address + ":" + port;
        if (msg.contains("permission denied") || msg.contains("access denied")) {
            return new StartupException(listener + " (permission denied): ports below 1024 need root or"
                    + " CAP_NET_BIND_SERVICE; run as root, or choose another port with " + option + ".", cause);
        }
        if (cause instanceof BindException || msg.contains("address already in use")) {
            return new StartupException(listener + ": the port is already in use (another Muster or server?); stop it"
                    + " or choose another port with " + option + ".", cause);
        }
        if (msg.contains("cannot assign requested address") || cause instanceof SocketException) {
            return new StartupException(listener + ": " + cause.getMessage() + "; check the address ("
                    + describe(address) + ").", cause);
        }
        return new StartupException(listener + ": " + cause, cause);
    }

    private static String describe(String address) {
        try {
            InetAddress a = InetAddress.getByName(address);
            return a.isLoopbackAddress() ? "a loopback address" : "not a loopback address of this machine?";
        } catch (IOException e) {
            return "it does not resolve";
        }
    }
}
