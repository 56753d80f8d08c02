package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

/** Speaks DPS over AMQP 1.0 with a plain AMQP client (vertx-proton), as the C and Node SDKs do on the wire. */
final class RawAmqp {
    private static Vertx vertx;

    private RawAmqp() {}

    static synchronized Vertx vertx() {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        return vertx;
    }

    /** One device connection: its context (every Proton call runs there) and the answers received, in order. */
    record Device(ProtonConnection connection, Context context, BlockingQueue<Message> replies) implements AutoCloseable {
        /** Opens a sender link; fails with the error condition if the server refuses it. */
        ProtonSender sender(String address) throws Exception {
            return sender(address, null);
        }

        /** A sender link with link properties (e.g. {@code com.microsoft:api-version}). */
        ProtonSender sender(String address, Map<org.apache.qpid.proton.amqp.Symbol, Object> properties)
                throws Exception {
            CompletableFuture<ProtonSender> opened = new CompletableFuture<>();
            context.runOnContext(v -> {
                ProtonSender s = connection.createSender(address);
                if (properties != null) {
                    s.setProperties(properties);
                }
                s.openHandler(ar -> {
                    if (ar.succeeded() && s.getRemoteTarget() != null) {
                        opened.complete(s);
                    } else if (ar.failed()) {
                        opened.completeExceptionally(ar.cause());
                    }
                    // else refused: a null target; the detach carrying the error follows
                });
                s.closeHandler(ar -> opened.completeExceptionally(ar.failed() ? ar.cause()
                        : new IllegalStateException("closed")));
                s.open();
            });
            return opened.get(10, TimeUnit.SECONDS);
        }

        /** Opens a receiver link whose messages land in {@link #replies()}. */
        void receiver(String address) throws Exception {
            CompletableFuture<ProtonReceiver> opened = new CompletableFuture<>();
            context.runOnContext(v -> {
                ProtonReceiver r = connection.createReceiver(address);
                r.handler((delivery, message) -> replies.add(message));
                r.openHandler(ar -> {
                    if (ar.succeeded()) {
                        opened.complete(r);
                    } else {
                        opened.completeExceptionally(ar.cause());
                    }
                });
                r.open();
            });
            opened.get(10, TimeUnit.SECONDS);
        }

        void send(ProtonSender sender, Message m) {
            context.runOnContext(v -> sender.send(m));
        }

        Message reply() throws InterruptedException {
            Message m = replies.poll(15, TimeUnit.SECONDS);
            assertThat(m).as("an answer on the receiver link").isNotNull();
            return m;
        }

        @Override
        public void close() {
            context.runOnContext(v -> {
                connection.close();
                connection.disconnect();
            });
        }
    }

    /** TLS to localhost:{port} trusting Muster's CA, SASL with the given mechanism, AMQP open. */
    static Device connect(int port, String caCertificate, String mechanism, String user, String password) throws Exception {
        ProtonClientOptions options = new ProtonClientOptions().setSsl(true).setConnectTimeout(5000)
                .setTrustOptions(new PemTrustOptions().addCertPath(caCertificate))
                .addEnabledSaslMechanism(mechanism);
        CompletableFuture<Device> connected = new CompletableFuture<>();
        ProtonClient.create(vertx()).connect(options, "localhost", port, user, password, ar -> {
            if (ar.failed()) {
                connected.completeExceptionally(ar.cause());
                return;
            }
            ProtonConnection c = ar.result();
            c.openHandler(open -> {
                if (open.succeeded()) {
                    connected.complete(new Device(c, Vertx.currentContext(), new LinkedBlockingQueue<>()));
                } else {
                    connected.completeExceptionally(open.cause());
                }
            }).open();
        });
        return connected.get(15, TimeUnit.SECONDS);
    }

    /** A request message: application property iotdps-operation-type (unless null), more properties, JSON body. */
    static Message request(String operationType, Map<String, Object> more, String body) {
        Message m = Message.Factory.create();
        Map<String, Object> props = new HashMap<>(more);
        if (operationType != null) {
            props.put("iotdps-operation-type", operationType);
        }
        m.setApplicationProperties(new ApplicationProperties(props));
        if (body != null) {
            m.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
        }
        return m;
    }

    static JsonNode json(Message m) {
        Binary b = ((Data) m.getBody()).getValue();
        return Json.tree(new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8));
    }

    static Object property(Message m, String name) {
        return m.getApplicationProperties().getValue().get(name);
    }

    /**
     * Runs a bare proton-j engine over a TLS socket to Muster's AMQP port until {@code step} returns a value (it is
     * called after every exchange of bytes, and may drive SASL or read deliveries), the server closes, or time runs out.
     */
    static <T> T pump(org.apache.qpid.proton.engine.Transport transport, long seconds,
                      java.util.function.Supplier<T> step) throws Exception {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) MusterUnderTest.trust().getSocketFactory()
                .createSocket("localhost", MusterUnderTest.info().ports().amqp())) {
            socket.setSoTimeout(100);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16384];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                T result = step.get();
                if (result != null) {
                    return result;
                }
                while (transport.pending() > 0) {
                    java.nio.ByteBuffer head = transport.head();
                    byte[] chunk = new byte[head.remaining()];
                    head.get(chunk);
                    out.write(chunk);
                    transport.pop(chunk.length);
                }
                out.flush();
                int n;
                try {
                    n = in.read(buffer);
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    return step.get();
                }
                for (int off = 0; off < n; ) {
                    java.nio.ByteBuffer tail = transport.tail();
                    int c = Math.min(tail.remaining(), n - off);
                    tail.put(buffer, off, c);
                    transport.process();
                    off += c;
                }
            }
            return step.get();
        }
    }

    /** The next complete message on a proton-j receiver, or null. */
    static Message next(org.apache.qpid.proton.engine.Receiver receiver) {
        org.apache.qpid.proton.engine.Delivery d = receiver.current();
        if (d == null || !d.isReadable() || d.isPartial()) {
            return null;
        }
        byte[] data = new byte[d.pending()];
        int read = receiver.recv(data, 0, data.length);
        Message m = Message.Factory.create();
        m.decode(data, 0, read);
        return m;
    }

    /**
     * Opens the two DPS links on a bare proton-j connection (answers on the receiver, one register request queued on
     * the sender) and returns the receiver; the bytes flow once {@link #pump} runs the transport.
     */
    static org.apache.qpid.proton.engine.Receiver dpsLinks(org.apache.qpid.proton.engine.Connection connection,
            String address, String senderName, String receiverName, String registerBody) {
        org.apache.qpid.proton.engine.Session session = connection.session();
        session.open();
        org.apache.qpid.proton.engine.Receiver answers = session.receiver(receiverName);
        org.apache.qpid.proton.amqp.messaging.Source source = new org.apache.qpid.proton.amqp.messaging.Source();
        source.setAddress(address);
        answers.setSource(source);
        answers.setTarget(new org.apache.qpid.proton.amqp.messaging.Target());
        answers.open();
        answers.flow(10);
        org.apache.qpid.proton.engine.Sender requests = session.sender(senderName);
        org.apache.qpid.proton.amqp.messaging.Target target = new org.apache.qpid.proton.amqp.messaging.Target();
        target.setAddress(address);
        requests.setTarget(target);
        requests.setSource(new org.apache.qpid.proton.amqp.messaging.Source());
        requests.open();
        byte[] encoded = new byte[16384];
        int length = request("iotdps-register", Map.of(), registerBody).encode(encoded, 0, encoded.length);
        requests.delivery(new byte[] {1});
        requests.send(encoded, 0, length);
        requests.advance();
        return answers;
    }
}
