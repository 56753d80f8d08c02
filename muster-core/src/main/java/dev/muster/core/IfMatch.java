package dev.muster.core;

/**
 * An {@code If-Match} header against a stored etag. Shared by the service API and the built-in hub, so both read
 * weak ({@code W/"…"}), quoted and bare etags alike.
 */
public final class IfMatch {
    private IfMatch() {}

    /**
     * True when the header asks for no condition: absent, blank, or the wildcard, bare ({@code *}) or quoted
     * ({@code "*"}, what the Python registry manager sends whenever it has no etag).
     */
    public static boolean isAny(String presented) {
        if (presented == null || presented.isBlank()) {
            return true;
        }
        String e = presented.strip();
        return e.equals("*") || e.equals("\"*\"");
    }

    /** True when the presented etag names the stored one (quotes and a weak prefix ignored). */
    public static boolean matches(String presented, String stored) {
        return stored != null && strip(presented).equals(strip(stored));
    }

    private static String strip(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }
}
