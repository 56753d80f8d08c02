package dev.muster.server.issuance;

import dev.muster.core.issuance.CrlLocations;
import dev.muster.core.issuance.CrlPublisher;
import dev.muster.core.issuance.PublishedCrl;
import dev.muster.transport.Blocking;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRL listener: {@code GET /crl/{instance}/{ca}.crl} answers the CA's current CRL, DER, as
 * {@code application/pkix-crl} (RFC 5280 §4.2.1.13); 404 for an instance or CA that does not exist, or any other
 * path. A CRL served here is kept for {@link #MEMO} before the store is asked again, so a crowd of relying parties
 * costs the database a read every two seconds per CA, and a revocation shows within that.
 */
public final class CrlEndpoint implements Handler<HttpServerRequest> {
    public static final String PATH_PREFIX = "/crl/";
    public static final String CONTENT_TYPE = "application/pkix-crl";
    static final Duration MEMO = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(CrlEndpoint.class);
    /** Instance names are lower-case letters, digits and hyphens; CA names letters, digits, '.', '_' and '-'. */
    private static final Pattern PATH = Pattern.compile("/crl/([a-z0-9-]{1,63})/([A-Za-z0-9][A-Za-z0-9._-]{0,127})\\.crl");

    private final CrlPublisher publisher;
    private final Blocking blocking;
    private final Clock clock;
    private final Map<String, Memo> memo = new ConcurrentHashMap<>();

    private record Memo(Instant at, PublishedCrl crl) {}

    public CrlEndpoint(CrlPublisher publisher, Blocking blocking, Clock clock) {
        this.publisher = publisher;
        this.blocking = blocking;
        this.clock = clock;
    }

    /** Where this listener serves each CA's CRL, below {@code baseUrl} (null: nowhere). */
    public static CrlLocations locations(String baseUrl) {
        if (baseUrl == null) {
            return CrlLocations.NONE;
        }
        return (instance, ca) -> baseUrl + PATH_PREFIX + instance + "/" + ca + ".crl";
    }

    @Override
    public void handle(HttpServerRequest request) {
        Matcher m = PATH.matcher(request.path());
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            request.response().putHeader("Allow", "GET, HEAD");
            text(request, 405, "Method not allowed: GET /crl/{instance}/{ca}.crl.");
            return;
        }
        if (!m.matches()) {
            text(request, 404, "Not found: this listener serves GET /crl/{instance}/{ca}.crl only.");
            return;
        }
        String instance = m.group(1);
        String ca = m.group(2);
        String key = instance + "/" + ca.toLowerCase(java.util.Locale.ROOT);
        Memo known = memo.get(key);
        if (known != null && Duration.between(known.at(), clock.instant()).compareTo(MEMO) < 0) {
            der(request, known.crl());
            return;
        }
        blocking.run(() -> publisher.current(instance, ca)).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("could not serve the CRL of CA {} of instance {}: {}", ca, instance, ar.cause().toString());
                text(request, 503, "The CRL cannot be read now; retry.");
                return;
            }
            Optional<PublishedCrl> crl = ar.result();
            if (crl.isEmpty()) {
                text(request, 404, "Not found: instance '" + instance + "' has no issuing CA '" + ca + "'.");
                return;
            }
            memo.put(key, new Memo(clock.instant(), crl.get()));
            der(request, crl.get());
        });
    }

    private static void der(HttpServerRequest request, PublishedCrl crl) {
        request.response().putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("Last-Modified", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        crl.thisUpdate().atOffset(java.time.ZoneOffset.UTC)))
                .end(Buffer.buffer(crl.der()));
    }

    private static void text(HttpServerRequest request, int status, String message) {
        request.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(message + "\n");
    }
}
