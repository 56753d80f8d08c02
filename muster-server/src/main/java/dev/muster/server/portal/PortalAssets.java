package dev.muster.server.portal;

import dev.muster.core.ProvisioningException;
import dev.muster.transport.Exchange;
import dev.muster.transport.Route;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The web portal's static files, {@code /portal/…} on every service host, read from the classpath folder
 * {@code portal/}. No authentication (the files hold no secrets; the portal signs its API calls itself). Only plain
 * file names with a known extension are served, so no path can leave the folder; every answer carries a content
 * security policy that allows this origin alone (the portal works air-gapped and loads nothing from elsewhere), but
 * for calls to this server's built-in hubs (the hub devices page uses each hub's own REST API).
 */
public final class PortalAssets implements Route {
    public static final String ROOT = "portal";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json; charset=utf-8",
            "txt", "text/plain; charset=utf-8");

    private record Asset(Buffer body, String type, String etag) {}

    private final String folder;
    private final Supplier<Collection<String>> hubOrigins;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    public PortalAssets() {
        this(ROOT, List::of);
    }

    /**
     * @param hubOrigins the built-in hubs' REST origins ({@code https://host:port}) the hub devices page may call:
     *                   the only origins besides its own the policy lets the portal connect to
     */
    public PortalAssets(Supplier<Collection<String>> hubOrigins) {
        this(ROOT, hubOrigins);
    }

    /** @param folder the classpath folder holding the files (tests use their own) */
    PortalAssets(String folder, Supplier<Collection<String>> hubOrigins) {
        this.folder = folder;
        this.hubOrigins = hubOrigins;
    }

    /** The REST origins of these hub hosts on this server's HTTPS port, read anew on each request (hubs come and go). */
    public static Supplier<Collection<String>> hubOrigins(Collection<String> hubHosts, int httpsPort) {
        return () -> hubHosts.stream().map(host -> "https://" + host + ":" + httpsPort).toList();
    }

    /** The content security policy: this origin alone, but for connecting to the given hub origins. */
    static String csp(Collection<String> hubOrigins) {
        String connect = hubOrigins.stream().sorted().map(o -> " " + o).reduce("'self'", String::concat);
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                + " connect-src " + connect + "; font-src 'self'; object-src 'none'; base-uri 'none';"
                + " form-action 'self'; frame-ancestors 'none'";
    }

    @Override
    public void handle(Exchange ex) {
        String method = ex.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new ProvisioningException(405, 405000, "The portal's files are read-only: use GET.");
        }
        List<String> s = ex.segments();
        String path = ex.request().path();
        if (s.size() == 1 && !path.endsWith("/")) {
            ex.request().response().setStatusCode(301).putHeader("Location", "/" + ROOT + "/").end();
            return;
        }
        List<String> rest = s.subList(1, s.size());
        String relative = rest.isEmpty() || path.endsWith("/") ? String.join("/", rest) + (rest.isEmpty() ? "" : "/")
                + "index.html" : String.join("/", rest);
        Asset asset = (rest.stream().allMatch(seg -> SEGMENT.matcher(seg).matches()) ? find(relative) : Optional.<Asset>empty())
                .orElseThrow(() -> ProvisioningException.notFound(404000, "No portal file at " + path + "."));
        HttpServerResponse r = ex.request().response();
        r.putHeader("Content-Security-Policy", csp(hubOrigins.get()))
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                // File names carry no version: revalidate each time (cheap with the ETag), so upgrades show at once.
                .putHeader("Cache-Control", "no-cache")
                .putHeader("ETag", asset.etag());
        String ifNoneMatch = ex.header("If-None-Match");
        if (ifNoneMatch != null && ifNoneMatch.contains(asset.etag())) {
            r.setStatusCode(304).end();
            return;
        }
        r.putHeader("Content-Type", asset.type());
        if (method.equals("HEAD")) {
            r.putHeader("Content-Length", Integer.toString(asset.body().length())).end();
        } else {
            r.end(asset.body());
        }
    }

    private Optional<Asset> find(String relative) {
        Asset cached = cache.get(relative);
        if (cached != null) {
            return Optional.of(cached);
        }
        int dot = relative.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(relative.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = PortalAssets.class.getClassLoader().getResourceAsStream(folder + "/" + relative)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            Asset asset = new Asset(Buffer.buffer(bytes), type, etag(bytes));
            cache.put(relative, asset);
            return Optional.of(asset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
