package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a hub's routing ({@code GET /routing}), changes it, and puts it back under the etag it read, so a
 * concurrent change is never overwritten: on 412 the edit is made again on what is now stored.
 */
final class RoutingEdit {
    private static final int ATTEMPTS = 3;

    private RoutingEdit() {}

    static ObjectNode read(ApiClient api) {
        return (ObjectNode) api.call("GET", "/routing", null, Map.of()).body();
    }

    /** @param change edits the routing document in place; may throw {@link UsageError} */
    static JsonNode apply(ApiClient api, Consumer<ObjectNode> change) {
        for (int attempt = 1; ; attempt++) {
            ObjectNode routing = read(api);
            String etag = routing.path("etag").asText();
            routing.remove("etag");
            change.accept(routing);
            try {
                return api.call("PUT", "/routing", routing, Map.of("If-Match", "\"" + etag + "\"")).body();
            } catch (ApiClient.ApiError e) {
                if (e.status != 412 || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
