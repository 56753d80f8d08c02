package dev.muster.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BulkRegistry;
import dev.muster.hub.HubError;
import dev.muster.hub.query.QueryPage;
import dev.muster.transport.Exchange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The registry as back ends use it: {@code GET /devices?top=N} (list), {@code POST /devices} (bulk create, update,
 * delete) and {@code POST /devices/query} (IoT Hub's query language, paged with {@code x-ms-max-item-count} and
 * {@code x-ms-continuation}).
 */
final class RegistryRoutes {
    static final String CONTINUATION = "x-ms-continuation";
    static final String MAX_ITEM_COUNT = "x-ms-max-item-count";

    /** Runs blocking work after the hub's authorization, then hands its value on (HubHttpApi's {@code run}). */
    @FunctionalInterface
    interface Runner {
        void run(Callable<Object> work, Consumer<Object> onValue);
    }

    private final BuiltInHub builtIn;

    RegistryRoutes(BuiltInHub builtIn) {
        this.builtIn = builtIn;
    }

    /** @return false when the request is not one of these routes */
    boolean route(Exchange ex, String hub, Runner runner) {
        List<String> s = ex.segments();
        String method = ex.method();
        if (s.size() == 1 && s.get(0).equals("devices") && method.equals("GET")) {
            Integer top = integer(ex.query("top"));
            runner.run(() -> builtIn.devices().list(hub, top), v -> ex.json(200, v));
        } else if (s.size() == 1 && s.get(0).equals("devices") && method.equals("POST")) {
            JsonNode body = body(ex);
            runner.run(() -> new BulkRegistry(builtIn.devices()).apply(hub, body),
                    v -> {
                        BulkRegistry.Result r = (BulkRegistry.Result) v;
                        // IoT Hub answers a request in which some device failed with 400 and the same result body
                        ex.json(r.successful() ? 200 : 400, r.body());
                    });
        } else if (s.size() == 2 && s.get(0).equals("devices") && s.get(1).equals("query") && method.equals("POST")) {
            JsonNode query = body(ex).get("query");
            if (query == null || !query.isTextual()) {
                throw HubError.argumentInvalid("The body must be {\"query\":\"<query text>\"}.");
            }
            Integer pageSize = integer(ex.header(MAX_ITEM_COUNT));
            String continuation = ex.header(CONTINUATION);
            runner.run(() -> builtIn.queries().query(hub, query.textValue(), pageSize, continuation), v -> {
                QueryPage page = (QueryPage) v;
                // the header is absent on the last page: Node's client pages until it is missing
                ex.json(200, page.items(), page.continuation() == null ? Map.of()
                        : Map.of(CONTINUATION, page.continuation()));
            });
        } else {
            return false;
        }
        return true;
    }

    private static JsonNode body(Exchange ex) {
        if (ex.body() == null || ex.body().isBlank()) {
            throw HubError.argumentInvalid("A JSON request body is required.");
        }
        return Json.tree(ex.body());
    }

    /** A number parameter; anything unreadable counts as absent (the registry then uses its default). */
    private static Integer integer(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
