package dev.muster.core.sas;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code SharedAccessSignature sr=…&sig=…&se=…[&skn=…]} token. Fields are kept exactly as written
 * because each SDK signs a differently encoded {@code sr} (reference §4.1) and verification must sign what was sent.
 */
public record SasToken(String rawResource, String rawSignature, long expiry, String keyName) {
    private static final String PREFIX = "SharedAccessSignature ";

    /** The resource URI URL-decoded, for comparison with the scope the request is about. */
    public String resource() {
        return decode(rawResource);
    }

    public static Optional<SasToken> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String text = header.strip();
        if (!text.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String part : text.substring(PREFIX.length()).strip().split("&")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            // Field names are case-insensitive in practice; values stay raw.
            fields.putIfAbsent(part.substring(0, eq).strip().toLowerCase(), part.substring(eq + 1));
        }
        String sr = fields.get("sr");
        String sig = fields.get("sig");
        String se = fields.get("se");
        if (sr == null || sr.isEmpty() || sig == null || sig.isEmpty() || se == null) {
            return Optional.empty();
        }
        long expiry;
        try {
            expiry = Long.parseLong(se.strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String skn = fields.get("skn");
        return Optional.of(new SasToken(sr, sig, expiry, skn == null || skn.isEmpty() ? null : decode(skn)));
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
