package dev.muster.cli.bench;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;

/** Short error kinds for the report: what went wrong, not a stack trace. */
final class Errors {
    private Errors() {}

    static String kind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return "tls: " + first(c.getMessage());
            }
            if (c instanceof ConnectException) {
                return "connection refused";
            }
            if (c instanceof ClosedChannelException) {
                return "closed";
            }
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + first(t.getMessage()));
    }

    private static String first(String message) {
        if (message == null) {
            return "";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        m = nl >= 0 ? m.substring(0, nl) : m;
        return m.length() > 60 ? m.substring(0, 60) + "…" : m;
    }
}
