package dev.muster.hub.routing.delivery;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** A webhook receiver on 127.0.0.1 (free port) that records every request and answers with the status it is told. */
final class LocalWebhook implements AutoCloseable {
    record Received(String path, MultiMap headers, byte[] body) {}

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile IntSupplier status = () -> 200;
    private volatile long delayMillis;

    LocalWebhook() throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            received.add(new Received(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                    body.getBytes()));
            int answer = status.getAsInt();
            if (delayMillis > 0) {
                vertx.setTimer(delayMillis, t -> request.response().setStatusCode(answer).end());
            } else {
                request.response().setStatusCode(answer).end();
            }
        });
    }

    void answer(IntSupplier next) {
        status = next;
    }

    void delay(long millis) {
        delayMillis = millis;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.actualPort() + path);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
