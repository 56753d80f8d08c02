package dev.muster.server.device;

import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.core.registration.RegistrationRequest;
import dev.muster.core.registration.RegistrationService;
import dev.muster.transport.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a registration and waits a short budget for it. Most registrations finish well within it, and answering
 * those with their result saves the device a poll round trip; a slower one goes on in the background while the device
 * is told "assigning" and polls its operation. HTTPS, MQTT and AMQP all register through here, so a device sees the
 * same timing whatever it speaks.
 */
public final class QuickAnswer {
    /** The first answer to a register request; {@code late} when the work outlasted the budget. */
    public record Registering(RegistrationOperationStatus status, boolean late) {}

    private final RegistrationService registrations;
    private final Blocking blocking;
    private final long budgetMillis;

    public QuickAnswer(RegistrationService registrations, Blocking blocking, long budgetMillis) {
        this.registrations = registrations;
        this.blocking = blocking;
        this.budgetMillis = budgetMillis;
    }

    /**
     * The registration's result if it is ready within the budget (or its failure), else the stand-in status
     * {@code assigning} under the operation id the device will poll.
     */
    public Future<Registering> register(RegistrationRequest request) {
        String operationId = registrations.newOperationId();
        Future<RegistrationOperationStatus> work = blocking.run(() -> registrations.register(request, operationId));
        Promise<Registering> first = Promise.promise();
        work.timeout(budgetMillis, TimeUnit.MILLISECONDS).onComplete(ar -> {
            if (ar.succeeded()) {
                first.complete(new Registering(ar.result(), false));
            } else if (ar.cause() instanceof TimeoutException) {
                first.complete(new Registering(new RegistrationOperationStatus(operationId, "assigning", null), true));
            } else {
                first.fail(ar.cause());
            }
        });
        return first.future();
    }
}
