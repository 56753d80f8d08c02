package dev.muster.server.service;

import dev.muster.core.ProvisioningException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Query requests of the service API: the SQL-like text the SDKs send, the page size header and the opaque
 * continuation token (the last ID returned, so paging is keyset-based and stays correct under writes).
 */
final class QueryPaging {
    static final int DEFAULT_PAGE = 100;
    private static final Pattern SELECT_ALL = Pattern.compile("\\s*select\\s+\\*\\s+from\\s+(\\w+)\\s*");

    private QueryPaging() {}

    static void requireSelectAll(String queryText, String... allowedSources) {
        String q = queryText == null ? "" : queryText.toLowerCase(Locale.ROOT);
        var m = SELECT_ALL.matcher(q);
        if (m.matches()) {
            for (String s : allowedSources) {
                if (s.equalsIgnoreCase(m.group(1))) {
                    return;
                }
            }
        }
        throw ProvisioningException.badRequest("Unsupported query '" + queryText + "': Muster answers 'SELECT * FROM "
                + allowedSources[0] + "'.");
    }

    static int pageSize(String header) {
        if (header == null || header.isBlank()) {
            return DEFAULT_PAGE;
        }
        try {
            int n = Integer.parseInt(header.strip());
            if (n <= 0) {
                throw ProvisioningException.badRequest("x-ms-max-item-count must be a positive number.");
            }
            return Math.min(n, 1000);
        } catch (NumberFormatException e) {
            throw ProvisioningException.badRequest("x-ms-max-item-count must be a number.");
        }
    }

    static String after(String continuation) {
        if (continuation == null || continuation.isBlank()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(continuation.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.badRequest("x-ms-continuation is not a token this service issued.");
        }
    }

    static String continuation(String lastId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(lastId.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }
}
