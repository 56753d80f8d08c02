package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of a query starts, as the opaque {@code x-ms-continuation} token: for document queries the
 * key of the last row returned and how many items were returned so far (for TOP); for COUNT()/GROUP BY queries the
 * index of the next group. The hub keeps no cursor, so any node sharing the store can serve the next page.
 */
record QueryContinuation(String afterKey, int returned, int groupOffset) {
    static final QueryContinuation START = new QueryContinuation(null, 0, 0);

    String encode() {
        ObjectNode o = Json.object();
        if (afterKey != null) {
            o.put("k", afterKey);
        }
        o.put("n", returned);
        o.put("g", groupOffset);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(o).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the token is not one this hub made */
    static QueryContinuation decode(String token) {
        if (token == null || token.isEmpty()) {
            return START;
        }
        try {
            JsonNode o = Json.tree(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            JsonNode k = o.get("k");
            int n = o.path("n").asInt(-1);
            int g = o.path("g").asInt(-1);
            if (!o.isObject() || n < 0 || g < 0 || k != null && !k.isTextual()) {
                throw new IllegalArgumentException("malformed continuation token");
            }
            return new QueryContinuation(k == null ? null : k.textValue(), n, g);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The continuation token is not one this hub issued.", e);
        }
    }
}
