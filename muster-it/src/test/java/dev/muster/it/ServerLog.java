package dev.muster.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What the server logged while a fuzz run was attached. A hostile input the server handles is at most an INFO line
 * (or a DEBUG one, which the test configuration drops); a warning, an error or a stack trace from the server's
 * loggers means something went unhandled: Netty warns when an exception reaches the end of a pipeline, Vert.x
 * logs unhandled exceptions as errors, and Muster warns or errs only about its own failures.
 */
final class ServerLog implements AutoCloseable {
    private static final String[] SERVER_LOGGERS = {"dev.muster.", "io.vertx.", "io.netty."};
    /**
     * Vert.x's blocked-thread checker measures the machine (two shared cores, a GC pause) as much as the server;
     * it says nothing about how an input was handled, and the run's time bound catches a real hang.
     */
    private static final String BLOCKED_THREAD_CHECKER = "io.vertx.core.impl.BlockedThreadChecker";
    /**
     * Where the malformed-client-traffic counter (branch edge) sums up the client faults it handled, in at most one
     * WARN line a minute: a report of handled faults, not one of them.
     */
    private static final String PROTOCOL_ERROR_SUMMARY = "dev.muster.server.metrics.ProtocolErrors";

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    ServerLog() {
        events.start();
        root.addAppender(events);
    }

    /** How many lines the server's loggers wrote so far, faults or not (shows the capture is attached). */
    int serverLines() {
        synchronized (events) {
            return (int) events.list.stream().filter(ServerLog::fromServer).count();
        }
    }

    /** The server's faults logged so far, one line each (logger, level, message, exception). */
    List<String> faults() {
        List<String> faults = new ArrayList<>();
        synchronized (events) { // the appender appends under its own monitor
            for (ILoggingEvent e : events.list) {
                if (isServerFault(e)) {
                    IThrowableProxy t = e.getThrowableProxy();
                    faults.add(e.getLevel() + " " + e.getLoggerName() + " [" + e.getThreadName() + "] "
                            + e.getFormattedMessage() + (t == null ? "" : " — " + t.getClassName() + ": " + t.getMessage()
                            + (t.getStackTraceElementProxyArray().length > 0
                                    ? " at " + t.getStackTraceElementProxyArray()[0].getSTEAsString() : "")));
                }
            }
        }
        return faults;
    }

    private static boolean fromServer(ILoggingEvent e) {
        for (String prefix : SERVER_LOGGERS) {
            if (e.getLoggerName().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isServerFault(ILoggingEvent e) {
        if (!fromServer(e) || e.getLoggerName().equals(BLOCKED_THREAD_CHECKER)
                || e.getLoggerName().equals(PROTOCOL_ERROR_SUMMARY) && e.getThrowableProxy() == null) {
            return false;
        }
        return e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null;
    }

    @Override
    public void close() {
        root.detachAppender(events);
        events.stop();
    }
}
