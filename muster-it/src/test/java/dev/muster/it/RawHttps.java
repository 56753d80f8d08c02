package dev.muster.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 request over TLS from a chosen local address (127.0.0.2, …), which Java's HttpClient cannot bind:
 * the way to be a device other than the one holding connections from 127.0.0.1.
 */
final class RawHttps {
    record Answer(int status, String body) {}

    private RawHttps() {}

    /** Sends {@code method path} with {@code Connection: close} and reads the answer to the end. */
    static Answer exchange(SSLContext trust, InetAddress from, int port, String host, String method, String path,
                           String authorization, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n";
        try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"), port,
                from, 0)) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(content);
            s.getOutputStream().flush();
            String answer = readToEnd(s.getInputStream());
            int status = Integer.parseInt(answer.substring(9, 12));
            int bodyStart = answer.indexOf("\r\n\r\n");
            return new Answer(status, bodyStart < 0 ? "" : answer.substring(bodyStart + 4));
        }
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.UTF_8);
    }
}
