package dev.muster.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A JDBC URL plus credentials, from either a JDBC URL or the {@code postgresql://user:pass@host:port/db} form that
 * hosting providers and libpq hand out. Credentials given separately win over those inside the URL.
 */
record DatabaseUrl(String jdbcUrl, String user, String password) {
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^/:@]*:)[^@/]*@");

    static DatabaseUrl parse(String url, String user, String password) {
        if (url == null || url.isBlank()) {
            throw new StoreException("No database URL was given.");
        }
        String trimmed = url.strip();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:")) {
            return new DatabaseUrl(trimmed, user, password);
        }
        if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            return fromLibpqForm(trimmed, user, password);
        }
        throw new StoreException("The database URL '" + redact(trimmed)
                + "' is not understood; use jdbc:postgresql://HOST:PORT/DB, postgresql://USER:PASSWORD@HOST:PORT/DB"
                + " or jdbc:h2:....");
    }

    private static DatabaseUrl fromLibpqForm(String url, String user, String password) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new StoreException("The database URL '" + redact(url) + "' is malformed: " + e.getReason() + ".", e);
        }
        String authority = uri.getRawAuthority();
        String path = uri.getRawPath();
        if (authority == null || path == null || path.length() < 2) {
            throw new StoreException("The database URL '" + redact(url)
                    + "' must name a host and a database, as in postgresql://USER:PASSWORD@HOST:5432/DB.");
        }
        // Host and port pass through verbatim, so multi-host lists and IPv6 literals keep working.
        int at = authority.lastIndexOf('@');
        String hostPort = authority.substring(at + 1);
        String urlUser = null;
        String urlPassword = null;
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int colon = userInfo.indexOf(':');
            urlUser = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            urlPassword = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl("jdbc:postgresql://" + hostPort + path + query,
                blank(user) ? urlUser : user, blank(password) ? urlPassword : password);
    }

    /** The URL with any password masked, for messages and logs. */
    static String redact(String url) {
        String masked = PASSWORD_PARAM.matcher(url).replaceAll("$1***");
        return USERINFO_PASSWORD.matcher(masked).replaceAll("$1***@");
    }

    String redactedJdbcUrl() {
        return redact(jdbcUrl);
    }

    @Override
    public String toString() {
        // The generated one would print the password.
        return redactedJdbcUrl() + (user == null ? "" : " as " + user);
    }

    private static String decode(String s) {
        // URLDecoder is for forms: protect literal '+' so only percent escapes are decoded.
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
