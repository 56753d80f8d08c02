package dev.muster.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.function.Predicate;
import javax.net.ssl.SSLSocket;

/** One fuzz connection over TLS: bytes out, and what comes back until enough has come, the server closes, or time is up. */
final class Wire implements AutoCloseable {
    private final SSLSocket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean closed;

    private Wire(SSLSocket socket) {
        this.socket = socket;
    }

    /** Connects and finishes the TLS handshake; failing to do either is the server refusing service. */
    static Wire open(String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) MusterUnderTest.trust().getSocketFactory().createSocket(host, port);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return new Wire(s);
    }

    /** False when the server has closed the connection already (which is one way to refuse an input). */
    boolean send(byte[] bytes) {
        if (closed) {
            return false;
        }
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            closed = true;
            return false;
        }
    }

    /**
     * Reads until {@code enough} holds for everything received so far on this connection, the server closes
     * (end of stream or reset), or {@code millis} pass. Returns everything received so far.
     */
    byte[] read(long millis, Predicate<byte[]> enough) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        while (!closed && !enough.test(received.toByteArray())) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    closed = true;
                } else {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException reset) {
                closed = true;
            }
        }
        return received.toByteArray();
    }

    /** Whether the server has closed the connection (seen by a read or a write). */
    boolean closedByServer() {
        return closed;
    }

    /** Forgets what was received, so the next read looks at the next answer only. */
    void consume() {
        received.reset();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
