package dev.muster.server.http;

import dev.muster.core.ProvisioningException;
import dev.muster.transport.Exchange;
import io.vertx.core.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Completes an exchange from a blocking call's future: value to the consumer, refusals to the error body. */
public final class Async {
    private static final Logger LOG = LoggerFactory.getLogger(Async.class);

    private Async() {}

    public static <T> void answer(Exchange ex, Future<T> future, Consumer<T> onValue) {
        future.onComplete(ar -> {
            if (ar.succeeded()) {
                try {
                    onValue.accept(ar.result());
                } catch (ProvisioningException e) {
                    DpsErrors.send(ex, e);
                }
            } else if (ar.cause() instanceof ProvisioningException e) {
                DpsErrors.send(ex, e);
            } else {
                LOG.error("unexpected failure on {} {}", ex.method(), ex.request().path(), ar.cause());
                DpsErrors.send(ex, DpsErrors.refusal(ar.cause()));
            }
        });
    }
}
