package dev.muster.cli.bench;

import dev.muster.core.sas.SasSigner;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.message.Message;

/**
 * A consumer of a built-in hub's Event Hubs-compatible endpoint speaking AMQP as the Event Hubs SDKs do (CBS put-token
 * with the hub policy's token, the partitions from {@code $management}, one receiver link per partition of
 * {@code $Default} starting after the latest event,
 * settled on receipt). The bench's telemetry phases read with it, so what they measure is what a back end sees.
 */
final class EventHubsReceiver implements AutoCloseable {
    private static final Symbol SELECTOR = Symbol.valueOf("apache.org:selector-filter:string");

    private final Vertx vertx;
    private ProtonConnection connection;
    private volatile int partitionCount;

    private EventHubsReceiver(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Connects to {@code host}:{@code port}, authorises with the policy and opens a receiver on each partition of
     * {@code eventHub}; {@code onEvent} gets every event. Blocks until all are open.
     */
    static EventHubsReceiver open(Vertx vertx, String host, int port, Path caPem, String keyName, String key,
                                  String eventHub, Consumer<Message> onEvent) throws Exception {
        EventHubsReceiver r = new EventHubsReceiver(vertx);
        Promise<Void> ready = Promise.promise();
        ProtonClientOptions options = new ProtonClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(caPem.toString()))
                .addEnabledSaslMechanism("ANONYMOUS").setMaxFrameSize(256 * 1024);
        ProtonClient.create(vertx).connect(options, host, port, ar -> {
            if (ar.failed()) {
                ready.fail(ar.cause());
                return;
            }
            ProtonConnection c = ar.result().setHostname(host);
            r.connection = c;
            c.openHandler(opened -> r.authorise(c, host, keyName, key, eventHub, onEvent, ready)).open();
        });
        try {
            ready.future().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void authorise(ProtonConnection c, String host, String keyName, String key, String eventHub,
                           Consumer<Message> onEvent, Promise<Void> ready) {
        String audience = "amqp://" + host + "/" + eventHub;
        String token = SasSigner.sign(audience, key, keyName, Instant.now().plusSeconds(3600).getEpochSecond());
        c.createReceiver("$cbs").handler((delivery, reply) -> {
            Object status = reply.getApplicationProperties() == null ? null
                    : reply.getApplicationProperties().getValue().get("status-code");
            if (!(status instanceof Number n) || n.intValue() != 200) {
                ready.tryFail("the hub refused the policy's token for its events: " + status);
                return;
            }
            partitionIds(c, eventHub, token).compose(ids -> {
                List<io.vertx.core.Future<?>> open = new ArrayList<>();
                for (String p : ids) {
                    open.add(receiver(c, eventHub + "/ConsumerGroups/$Default/Partitions/" + p, onEvent));
                }
                partitionCount = ids.size();
                return io.vertx.core.Future.all(open);
            }).onComplete(all -> {
                if (all.succeeded()) {
                    ready.tryComplete();
                } else {
                    ready.tryFail(all.cause());
                }
            });
        }).open();
        ProtonSender cbs = c.createSender("$cbs");
        cbs.openHandler(opened -> {
            Message put = Message.Factory.create();
            put.setMessageId(UUID.randomUUID().toString());
            put.setReplyTo("cbs");
            put.setApplicationProperties(new ApplicationProperties(Map.of("operation", "put-token",
                    "type", "servicebus.windows.net:sastoken", "name", audience)));
            put.setBody(new AmqpValue(token));
            cbs.send(put);
        }).open();
    }

    /** The event hub's partitions, as the SDKs learn them: a READ of {@code com.microsoft:eventhub} on $management. */
    private static io.vertx.core.Future<List<String>> partitionIds(ProtonConnection c, String eventHub, String token) {
        Promise<List<String>> ids = Promise.promise();
        String replyTo = "bench-mgmt-" + UUID.randomUUID();
        ProtonReceiver replies = c.createReceiver("$management");
        ((org.apache.qpid.proton.amqp.messaging.Target) replies.getTarget()).setAddress(replyTo);
        replies.handler((delivery, reply) -> {
            Object status = reply.getApplicationProperties() == null ? null
                    : reply.getApplicationProperties().getValue().get("status-code");
            if (!(status instanceof Number n) || n.intValue() != 200
                    || !(reply.getBody() instanceof AmqpValue v) || !(v.getValue() instanceof Map<?, ?> m)
                    || !(m.get("partition_ids") instanceof String[] list)) {
                ids.tryFail("the hub did not describe its event hub " + eventHub + ": " + status);
                return;
            }
            ids.tryComplete(List.of(list));
        }).openHandler(opened -> {
            ProtonSender requests = c.createSender("$management");
            requests.openHandler(linked -> {
                Message read = Message.Factory.create();
                read.setMessageId(UUID.randomUUID().toString());
                read.setReplyTo(replyTo);
                read.setApplicationProperties(new ApplicationProperties(Map.of("operation", "READ",
                        "type", "com.microsoft:eventhub", "name", eventHub, "security_token", token)));
                read.setBody(new AmqpValue(Map.of()));
                requests.send(read);
            }).open();
        }).open();
        return ids.future();
    }

    /** How many partitions the consumer reads. */
    int partitionCount() {
        return partitionCount;
    }

    private static io.vertx.core.Future<ProtonReceiver> receiver(ProtonConnection c, String address,
                                                                Consumer<Message> onEvent) {
        Promise<ProtonReceiver> linked = Promise.promise();
        ProtonReceiver r = c.createReceiver(address);
        Source source = (Source) r.getSource();
        source.setFilter(Map.of(SELECTOR, new DescribedSelector("amqp.annotation.x-opt-offset > '@latest'")));
        r.setQoS(io.vertx.proton.ProtonQoS.AT_LEAST_ONCE).setPrefetch(1000);
        r.handler((delivery, message) -> onEvent.accept(message));
        r.openHandler(opened -> {
            if (opened.succeeded() && r.getRemoteSource() != null) {
                linked.tryComplete(r);
            } else {
                linked.tryFail(opened.failed() ? opened.cause().toString() : "the hub refused " + address);
            }
        }).open();
        return linked.future();
    }

    /** The selector filter as Event Hubs clients describe it (the descriptor is the filter's own symbol). */
    private record DescribedSelector(String expression) implements org.apache.qpid.proton.amqp.DescribedType {
        @Override
        public Object getDescriptor() {
            return SELECTOR;
        }

        @Override
        public Object getDescribed() {
            return expression;
        }
    }

    @Override
    public void close() {
        ProtonConnection c = connection;
        if (c != null) {
            vertx.runOnContext(v -> c.close().disconnect());
        }
    }
}
