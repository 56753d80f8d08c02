package dev.muster.core.enrollment;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Webhook URLs as they may be shown: an Azure Function URL carries its key in the query ({@code ?code=…}), and
 * other webhooks put tokens in the query or the user-info part, so both are masked whole wherever a URL is logged or
 * written into a message.
 */
public final class WebhookUrls {
    /** What stands in for a masked query string or user-info part. */
    public static final String MASK = "***";

    private WebhookUrls() {}

    /**
     * {@code https://fn.example.net/api/alloc?code=abc} becomes {@code https://fn.example.net/api/alloc?***};
     * user-info becomes {@code ***@}; the fragment is dropped. Never throws; never returns any part of the query.
     */
    public static String mask(String url) {
        if (url == null) {
            return "(no URL)";
        }
        String raw = url.strip();
        try {
            URI u = new URI(raw);
            if (u.getScheme() == null || u.getRawAuthority() == null) {
                return maskByText(raw);
            }
            StringBuilder b = new StringBuilder(u.getScheme().toLowerCase(Locale.ROOT)).append("://");
            if (u.getRawUserInfo() != null) {
                b.append(MASK).append('@');
            }
            String authority = u.getRawAuthority();
            int at = authority.lastIndexOf('@');
            b.append(at >= 0 ? authority.substring(at + 1) : authority);
            if (u.getRawPath() != null) {
                b.append(u.getRawPath());
            }
            if (u.getRawQuery() != null) {
                b.append('?').append(MASK);
            }
            return b.toString();
        } catch (URISyntaxException e) {
            return maskByText(raw);
        }
    }

    private static String maskByText(String raw) {
        int cut = raw.length();
        for (char c : new char[] {'?', '#'}) {
            int i = raw.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        String head = raw.substring(0, cut);
        int at = head.lastIndexOf('@');
        if (at >= 0) {
            int scheme = head.indexOf("://");
            head = (scheme >= 0 && scheme < at ? head.substring(0, scheme + 3) : "") + MASK + head.substring(at);
        }
        return head + (cut < raw.length() && raw.charAt(cut) == '?' ? "?" + MASK : "");
    }

    /**
     * Removes the URL's secret parts from a free text (for example an exception message an HTTP library produced):
     * every occurrence of the full URL, its query string and its user-info is replaced by the masked form.
     */
    public static String scrub(String text, String url) {
        if (text == null || url == null || url.isBlank()) {
            return text;
        }
        String out = text.replace(url.strip(), mask(url));
        try {
            URI u = new URI(url.strip());
            for (String secret : new String[] {u.getRawQuery(), u.getQuery(), u.getRawUserInfo(), u.getUserInfo(),
                    u.getRawFragment()}) {
                if (secret != null && !secret.isEmpty()) {
                    out = out.replace(secret, MASK);
                }
            }
            out = scrubValues(out, u.getRawQuery());
        } catch (URISyntaxException e) {
            int q = url.indexOf('?');
            if (q >= 0 && q + 1 < url.length()) {
                out = out.replace(url.substring(q + 1), MASK);
                out = scrubValues(out, url.substring(q + 1));
            }
        }
        return out;
    }

    /** Each parameter value on its own too ({@code code=K3y} → also {@code K3y}), unless too short to be a secret. */
    private static String scrubValues(String text, String rawQuery) {
        if (rawQuery == null) {
            return text;
        }
        String out = text;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String raw = eq >= 0 ? pair.substring(eq + 1) : pair;
            for (String value : new String[] {raw, decode(raw)}) {
                if (value.length() >= 6) {
                    out = out.replace(value, MASK);
                }
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
