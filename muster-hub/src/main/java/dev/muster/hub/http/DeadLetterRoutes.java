package dev.muster.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Timestamps;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.OutboxEntry;
import dev.muster.hub.HubError;
import dev.muster.transport.Exchange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Muster's dead-letter API for custom route endpoints (Azure has none: IoT Hub drops what an endpoint never takes):
 * {@code GET /routing/deadletters?endpoint=&after=&top=} lists a hub's dead letters in id order (page on with
 * {@code after} = the last id seen), {@code POST /routing/deadletters/replay} with {@code {"ids":[…],"endpoint":…}}
 * puts them back in their endpoint's outbox, due now. Authenticated as the hub's other service APIs.
 */
final class DeadLetterRoutes {
    static final int DEFAULT_TOP = 100;
    static final int MAX_TOP = 1000;

    private final EndpointOutbox outbox;

    DeadLetterRoutes(EndpointOutbox outbox) {
        this.outbox = outbox;
    }

    static boolean handles(List<String> s) {
        return !s.isEmpty() && s.get(0).equals("routing") && s.size() >= 2 && s.get(1).equals("deadletters");
    }

    void route(Exchange ex, String hub, RegistryRoutes.Runner runner) {
        List<String> s = ex.segments();
        String method = HubHttpApi.methodOf(ex);
        if (s.size() == 2 && method.equals("GET")) {
            String endpoint = blankToNull(ex.query("endpoint"));
            long after = number(ex.query("after"), 0, Long.MAX_VALUE, 0, "after");
            int top = (int) number(ex.query("top"), 1, MAX_TOP, DEFAULT_TOP, "top");
            runner.run(() -> outbox.deadLetters(hub, endpoint, after, top).stream().map(DeadLetterRoutes::view)
                    .toList(), v -> ex.json(200, v));
        } else if (s.size() == 3 && s.get(2).equals("replay") && method.equals("POST")) {
            JsonNode body = dev.muster.core.Json.tree(HubHttpApi.nonEmpty(ex));
            JsonNode idsNode = body.get("ids");
            if (idsNode == null || !idsNode.isArray() || idsNode.isEmpty()) {
                throw HubError.argumentInvalid("The body must be {\"ids\":[<dead letter id>, …]}.");
            }
            List<Long> ids = new ArrayList<>();
            for (JsonNode id : idsNode) {
                if (!id.canConvertToLong()) {
                    throw HubError.argumentInvalid("Dead letter ids are numbers, not " + id + ".");
                }
                ids.add(id.asLong());
            }
            JsonNode endpoint = body.get("endpoint");
            String name = endpoint == null || endpoint.isNull() ? null : endpoint.asText();
            runner.run(() -> Map.of("replayed", outbox.replay(hub, name, ids, Instant.now())), v -> ex.json(200, v));
        } else {
            throw new HubError(dev.muster.hub.HubErrorCode.METHOD_NOT_ALLOWED, "Method not allowed.");
        }
    }

    /** One dead letter as the API shows it; the body as base64, since it may be any bytes. */
    static Map<String, Object> view(OutboxEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("endpoint", e.endpoint());
        m.put("enqueuedTimeUtc", Timestamps.format(e.enqueuedTime()));
        m.put("deadLetteredTimeUtc", Timestamps.format(e.nextAttemptAt()));
        m.put("attempts", e.attempts());
        m.put("lastError", e.lastError());
        m.put("applicationProperties", e.content().applicationProperties());
        m.put("systemProperties", e.content().systemProperties());
        m.put("bodyBase64", Base64.getEncoder().encodeToString(e.content().body()));
        return m;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static long number(String text, long min, long max, long absent, String name) {
        if (text == null || text.isBlank()) {
            return absent;
        }
        try {
            long n = Long.parseLong(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HubError.argumentInvalid("'" + name + "' must be a whole number from " + min + " to " + max + ".");
    }
}
