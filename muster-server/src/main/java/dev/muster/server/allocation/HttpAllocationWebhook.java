package dev.muster.server.allocation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.allocation.AllocationWebhook;
import dev.muster.core.allocation.AllocationWebhookException;
import dev.muster.core.enrollment.WebhookUrls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The custom-allocation webhook over HTTP(S) with {@link java.net.http.HttpClient}: one POST of Azure's
 * AllocationRequest per registration, a hard deadline for the whole exchange (connect, send, answer), no redirects
 * (an Azure Function answers directly), at most {@link #MAX_RESPONSE_BYTES} of answer. Only masked URLs are logged.
 */
public final class HttpAllocationWebhook implements AllocationWebhook {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAllocationWebhook.class);
    /** The largest answer accepted: the DPS message limit (reference §12). */
    public static final int MAX_RESPONSE_BYTES = 96 * 1024;

    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param ssl the trust for https webhooks (the system trust store plus Muster's CA in the server)
     * @param timeout the deadline for one whole webhook exchange
     */
    public HttpAllocationWebhook(SSLContext ssl, Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public Response post(String webhookUrl, ObjectNode request) throws AllocationWebhookException {
        String shown = WebhookUrls.mask(webhookUrl);
        URI uri;
        try {
            uri = new URI(webhookUrl.strip());
        } catch (URISyntaxException e) {
            throw new AllocationWebhookException(AllocationWebhookException.Kind.UNREACHABLE, "the URL is not valid");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new AllocationWebhookException(AllocationWebhookException.Kind.UNREACHABLE,
                    "the URL is not an absolute http or https URL");
        }
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(request), StandardCharsets.UTF_8))
                .build();
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(req, info -> new LimitedBody(MAX_RESPONSE_BYTES));
        try {
            HttpResponse<byte[]> r = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.debug("allocation webhook {} answered {} in {} ms", shown, r.statusCode(), elapsed(started));
            return new Response(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw timedOut(shown, started);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new AllocationWebhookException(AllocationWebhookException.Kind.UNREACHABLE, "the call was interrupted");
        } catch (ExecutionException e) {
            throw translate(e.getCause(), webhookUrl, shown, started);
        }
    }

    private AllocationWebhookException timedOut(String shown, long started) {
        LOG.debug("allocation webhook {} timed out after {} ms", shown, elapsed(started));
        return new AllocationWebhookException(AllocationWebhookException.Kind.TIMEOUT,
                "no answer within " + timeout.toMillis() + " ms");
    }

    private AllocationWebhookException translate(Throwable cause, String url, String shown, long started) {
        Throwable c = cause;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof HttpConnectTimeoutException) {
            LOG.debug("allocation webhook {}: connect timed out after {} ms", shown, elapsed(started));
            return new AllocationWebhookException(AllocationWebhookException.Kind.TIMEOUT,
                    "could not connect within " + timeout.toMillis() + " ms");
        }
        if (c instanceof HttpTimeoutException) {
            return timedOut(shown, started);
        }
        if (c instanceof TooLarge) {
            return new AllocationWebhookException(AllocationWebhookException.Kind.TOO_LARGE,
                    "more than " + MAX_RESPONSE_BYTES + " bytes");
        }
        String reason;
        Throwable root = rootCause(c);
        if (c instanceof ConnectException || root instanceof ConnectException) {
            reason = "connection refused or failed" + detail(root, url);
        } else if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
            reason = "the host name does not resolve";
        } else if (c instanceof SSLException || root instanceof SSLException) {
            reason = "TLS handshake failed" + detail(root, url);
        } else if (c instanceof IOException) {
            reason = "the connection failed" + detail(c, url);
        } else {
            reason = "the call failed" + detail(c, url);
        }
        LOG.debug("allocation webhook {} failed after {} ms: {}", shown, elapsed(started), reason);
        return new AllocationWebhookException(AllocationWebhookException.Kind.UNREACHABLE, reason);
    }

    private static String detail(Throwable t, String url) {
        if (t == null || t.getMessage() == null || t.getMessage().isBlank()) {
            return "";
        }
        return " (" + WebhookUrls.scrub(t.getMessage(), url) + ")";
    }

    private static Throwable rootCause(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** The answer was larger than accepted. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("response too large");
        }
    }

    /** Collects the body, failing (and cancelling the stream) once it passes the limit. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (buffer.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                buffer.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
