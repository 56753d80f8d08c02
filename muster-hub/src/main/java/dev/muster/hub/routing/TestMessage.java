package dev.muster.hub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.core.hub.routing.RouteSource;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message of a "test route" request, as ARM's {@code RoutingMessage}: {@code {"body":"…","appProperties":{},
 * "systemProperties":{}}}. System properties may be named as conditions name them ({@code contentType}) or as the
 * hub stores them ({@code content-type}); the message source is the tested routing source.
 */
public final class TestMessage {
    private TestMessage() {}

    public static EventContent of(JsonNode message, RouteSource source) {
        JsonNode m = message == null || message.isNull() ? dev.muster.core.Json.object() : message;
        JsonNode body = m.get("body");
        byte[] bytes = body == null || body.isNull() ? new byte[0]
                : (body.isTextual() ? body.textValue() : body.toString()).getBytes(StandardCharsets.UTF_8);
        Map<String, String> sys = new LinkedHashMap<>();
        RoutingJson.strings(m, "systemProperties").forEach((k, v) -> sys.put(RoutedMessage.storedName(k), v));
        sys.put(SystemProperties.MESSAGE_SOURCE, source.messageSource());
        return new EventContent(bytes, RoutingJson.strings(m, "appProperties"), sys);
    }
}
