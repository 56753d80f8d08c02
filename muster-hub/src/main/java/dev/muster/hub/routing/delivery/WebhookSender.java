package dev.muster.hub.routing.delivery;

import dev.muster.core.hub.routing.OutboxEntry;
import dev.muster.core.hub.routing.WebhookEndpoint;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One POST per message to a webhook: the body's bytes unchanged, {@code Content-Type} the message's content type
 * (application/octet-stream when it has none), its properties as {@link EndpointHeaders} (values percent-encoded
 * where not plain ASCII), then the endpoint's own headers. Redirects are not followed.
 * {@link WebhookOutcomes} says what each answer means.
 */
final class WebhookSender implements EndpointSender {
    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private final HttpClient http;
    private final WebhookEndpoint endpoint;
    private final Duration timeout;
    private final int batchSize;

    WebhookSender(HttpClient http, WebhookEndpoint endpoint, Duration timeout, int batchSize) {
        this.http = http;
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.batchSize = batchSize;
    }

    @Override
    public CompletableFuture<DeliveryResult> send(OutboxEntry entry) {
        HttpRequest request;
        try {
            request = request(entry);
        } catch (IllegalArgumentException e) {
            // A configured header the HTTP client refuses (Host, Content-Length, …) or a URL it cannot call.
            return CompletableFuture.completedFuture(new DeliveryResult.Rejected("Cannot build the request: "
                    + e.getMessage()));
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> failure == null ? WebhookOutcomes.of(response.statusCode())
                        : WebhookOutcomes.ofFailure(failure));
    }

    HttpRequest request(OutboxEntry entry) {
        Map<String, String> headers = EndpointHeaders.of(entry.content());
        String contentType = headers.remove(EndpointHeaders.CONTENT_TYPE);
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.url()).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(entry.content().body()))
                .header("Content-Type", contentType == null || contentType.isBlank() ? DEFAULT_CONTENT_TYPE
                        : EndpointHeaders.httpSafe(contentType));
        headers.forEach((name, value) -> b.header(EndpointHeaders.httpName(name), EndpointHeaders.httpSafe(value)));
        endpoint.headers().forEach(b::setHeader);
        return b.build();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int maxAttempts() {
        return Math.max(1, endpoint.maxAttempts());
    }

    /** The shared client's connections are closed when it is unreachable (Java 17's HttpClient has no close). */
    @Override
    public void close() {}

    /** Answers and failures of a webhook call, and what they mean for the entry. */
    static final class WebhookOutcomes {
        private WebhookOutcomes() {}

        /**
         * 2xx delivered; 408 (timeout) and 429 (throttled) and every 5xx are retried; 3xx and the other 4xx are
         * dead-lettered at once: the receiver refused this request (bad URL, credentials, payload) and the same
         * request will be refused again until the operator fixes something, after which they replay.
         */
        static DeliveryResult of(int status) {
            if (status >= 200 && status < 300) {
                return DeliveryResult.DELIVERED;
            }
            String error = "The webhook answered HTTP " + status + ".";
            if (status == 408 || status == 429 || status >= 500) {
                return new DeliveryResult.Retry(error);
            }
            return new DeliveryResult.Rejected(error);
        }

        /** Connection refused or reset, TLS failures, time-outs: the receiver may be back later. */
        static DeliveryResult ofFailure(Throwable failure) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            String what = cause instanceof HttpTimeoutException ? "The webhook did not answer in time"
                    : "The webhook could not be reached";
            return new DeliveryResult.Retry(what + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
    }
}
