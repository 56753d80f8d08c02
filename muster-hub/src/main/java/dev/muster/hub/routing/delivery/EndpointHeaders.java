package dev.muster.hub.routing.delivery;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * How a message's properties travel as headers to custom endpoints (webhook HTTP headers, Kafka record headers).
 * Azure defines no such mapping for these endpoint kinds, so this is Muster's: application property {@code name}
 * becomes {@code iothub-app-name} (the prefix IoT Hub's HTTPS device API uses for application properties), a system
 * property already named {@code iothub-…} keeps its name, and every other system property gets the {@code iothub-}
 * prefix ({@code message-id} → {@code iothub-message-id}, {@code content-type} → {@code iothub-content-type}). The
 * prefixes keep an application property from ever posing as a system one.
 */
public final class EndpointHeaders {
    public static final String APP_PREFIX = "iothub-app-";
    public static final String SYSTEM_PREFIX = "iothub-";
    private static final String HEX = "0123456789ABCDEF";

    private EndpointHeaders() {}

    /** Header name → value (as sent: unencoded text), application properties first, in the message's order. */
    public static Map<String, String> of(EventContent message) {
        Map<String, String> headers = new LinkedHashMap<>();
        message.applicationProperties().forEach((name, value) -> headers.put(APP_PREFIX + name, value));
        message.systemProperties().forEach((name, value) -> headers.put(systemHeader(name), value));
        return headers;
    }

    public static String systemHeader(String property) {
        return property.startsWith(SYSTEM_PREFIX) ? property : SYSTEM_PREFIX + property;
    }

    /** The header that carries the message's content type, which a webhook sends as its Content-Type instead. */
    public static final String CONTENT_TYPE = systemHeader(SystemProperties.CONTENT_TYPE);

    /**
     * Text safe in an HTTP header: visible ASCII and space pass unchanged, every other character (and {@code %}
     * itself) is percent-encoded as UTF-8, so a receiver that percent-decodes always gets the original back.
     */
    public static String httpSafe(String text) {
        return text == null ? "" : percentEncode(text, c -> c >= 0x20 && c <= 0x7e);
    }

    /** A header name of RFC 9110 token characters only; others are percent-encoded ({@code %} is a token character). */
    public static String httpName(String name) {
        return percentEncode(name, c -> Character.isLetterOrDigit(c) || "!#$&'*+-.^_`|~".indexOf(c) >= 0);
    }

    private static String percentEncode(String text, IntPredicate keep) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && c != '%' && keep.test(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
            }
        }
        return out.toString();
    }
}
