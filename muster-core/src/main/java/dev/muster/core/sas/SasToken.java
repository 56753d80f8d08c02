package dev.muster.core.sas;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed {@code SharedAccessSignature sr=…&sig=…&se=…[&skn=…]} token. Fields are kept exactly as written
 * because each SDK signs a differently encoded {@code sr} (reference §4.1) and verification must sign what was sent.
 *
 * <p>Tolerated because the SDKs differ: the fields in any order (the Java device SDK puts {@code sig} first), any
 * case of the field names and of the prefix, {@code skn} absent (Python, Node without a policy) or empty (the Java
 * device SDK's {@code skn=}), whitespace around the whole token. Refused, as nothing real sends it: a field other
 * than those four, a field given twice, an empty part ({@code &&}, a trailing {@code &}), whitespace inside the
 * fields, and an expiry that is not plain decimal epoch seconds (a sign, leading zeros) or lies after the end of
 * year 9999, the last instant .NET's {@code DateTime} (and so Azure's own services and the .NET SDK) can represent:
 * it still admits any "never expires" token a person makes, a hundred or a thousand years ahead.
 */
public record SasToken(String rawResource, String rawSignature, long expiry, String keyName) {
    private static final String PREFIX = "SharedAccessSignature ";
    /** 9999-12-31T23:59:59Z. */
    public static final long MAX_EXPIRY = 253_402_300_799L;
    private static final Set<String> FIELDS = Set.of("sr", "sig", "se", "skn");
    private static final Pattern EPOCH_SECONDS = Pattern.compile("0|[1-9][0-9]{0,11}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s");

    /** The resource URI URL-decoded, for comparison with the scope the request is about. */
    public String resource() {
        return decode(rawResource);
    }

    /** The token, or empty when it is not one this service accepts (see the class comment). */
    public static Optional<SasToken> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String text = header.strip();
        if (!text.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Optional.empty();
        }
        Map<String, String> fields = fields(text.substring(PREFIX.length()).strip());
        if (fields == null) {
            return Optional.empty();
        }
        String sr = fields.get("sr");
        String sig = fields.get("sig");
        String se = fields.get("se");
        if (sr == null || sr.isEmpty() || sig == null || sig.isEmpty() || se == null
                || !EPOCH_SECONDS.matcher(se).matches()) {
            return Optional.empty();
        }
        long expiry = Long.parseLong(se); // at most 12 digits: cannot overflow
        if (expiry > MAX_EXPIRY) {
            return Optional.empty();
        }
        String skn = fields.get("skn");
        return Optional.of(new SasToken(sr, sig, expiry, skn == null || skn.isEmpty() ? null : decode(skn)));
    }

    /** {@code name=value} pairs by lower-case name, values raw; null if a part is empty, unknown or repeated. */
    private static Map<String, String> fields(String text) {
        if (WHITESPACE.matcher(text).find()) {
            return null;
        }
        Map<String, String> fields = new HashMap<>();
        for (String part : text.split("&", -1)) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? "" : part.substring(0, eq).toLowerCase(Locale.ROOT);
            if (!FIELDS.contains(name) || fields.putIfAbsent(name, part.substring(eq + 1)) != null) {
                return null;
            }
        }
        return fields;
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
