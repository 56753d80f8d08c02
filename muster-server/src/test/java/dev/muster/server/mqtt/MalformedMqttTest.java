package dev.muster.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.muster.server.metrics.ProtocolErrors;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttServerOptions;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Anyone can send garbage to 8883 before authenticating: it is counted and logged quietly, never at ERROR. */
class MalformedMqttTest {
    private static final int INPUTS = 300;
    /** The start of an MQTT 3.1.1 CONNECT (protocol name, level 4, clean session, keep-alive 60, client id "tes"). */
    private static final byte[] CONNECT = {0x10, 0x10, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 4, 't', 'e', 's'};

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void captureTheLog() {
        log.start();
        root.addAppender(log);
    }

    @AfterEach
    void stop() throws Exception {
        root.detachAppender(log);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Random bytes, a CONNECT with one byte changed, and fixed headers with an impossible length, in turn. */
    static byte[] malformed(Random random, int i) {
        switch (i % 3) {
            case 0 -> {
                byte[] b = new byte[1 + random.nextInt(64)];
                random.nextBytes(b);
                return b;
            }
            case 1 -> {
                byte[] b = java.util.Arrays.copyOf(CONNECT, CONNECT.length + 4);
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return b;
            }
            default -> {
                byte[] tail = new byte[8];
                random.nextBytes(tail);
                byte[] b = new byte[6 + tail.length];
                b[0] = (byte) new int[] {0x10, 0x20, 0x30, 0x82, 0xc0, 0xe0, 0xf0}[random.nextInt(7)];
                b[1] = b[2] = b[3] = b[4] = (byte) 0xff; // a remaining length of more than four bytes
                b[5] = 0x7f;
                System.arraycopy(tail, 0, b, 6, tail.length);
                return b;
            }
        }
    }

    @Test
    void malformedPacketsAreCountedAndLoggedWithoutAnyErrorLine() throws Exception {
        ProtocolErrors errors = new ProtocolErrors(registry, Clock.systemUTC(), Duration.ofHours(1));
        MqttListener listener = new MqttListener(vertx, new MqttServerOptions().setHost("127.0.0.1").setPort(0)
                .setTimeoutOnConnect(2), e -> e.reject(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED),
                errors.on("mqtt"));
        int port = listener.listen().await(10, TimeUnit.SECONDS).actualPort();

        Random random = new Random(19);
        for (int i = 0; i < INPUTS; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                OutputStream out = s.getOutputStream();
                out.write(malformed(random, i));
                out.flush();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count() < INPUTS / 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // the last ones still in flight

        assertThat(count()).as("at least every impossible length is counted").isGreaterThanOrEqualTo(INPUTS / 3);
        List<ILoggingEvent> loud = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
        assertThat(loud).as("ERROR lines").isEmpty();
        assertThat(log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .filter(e -> e.getLoggerName().equals(ProtocolErrors.class.getName())))
                .as("one summary per interval").hasSize(1);
    }

    private double count() {
        return registry.get("muster.protocol.errors").tag("listener", "mqtt").counter().count();
    }
}
