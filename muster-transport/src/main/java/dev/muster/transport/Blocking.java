package dev.muster.transport;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/** Runs store-touching domain calls off the event loop, unordered so one slow request never queues the rest. */
public final class Blocking {
    private final WorkerExecutor executor;

    public Blocking(WorkerExecutor executor) {
        this.executor = executor;
    }

    public <T> Future<T> run(Callable<T> work) {
        return executor.executeBlocking(work, false);
    }

    public void close() {
        executor.close();
    }
}
