package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code muster hub route …}: a hub's message routes, as IoT Hub's (conditions in its routing query language). */
@Command(name = "route", mixinStandardHelpOptions = true,
        description = "A hub's message routes: list, add, remove, switch the fallback route, test a message.",
        subcommands = {HubRouteCommand.ListAll.class, HubRouteCommand.Add.class, HubRouteCommand.Remove.class,
                HubRouteCommand.Fallback.class, HubRouteCommand.Test.class},
        footer = {"", "Examples:",
                "  ./muster hub route add alarms --condition \"kind = 'alarm' AND \\$body.temperature > 30\" --endpoint events",
                "  ./muster hub route fallback --disable",
                "  ./muster hub route test --body '{\"temperature\":35}' --json --property kind=alarm"})
final class HubRouteCommand {
    static final List<String> SOURCES = List.of("DeviceMessages", "TwinChangeEvents", "DeviceLifecycleEvents",
            "DeviceConnectionStateEvents");

    private HubRouteCommand() {}

    private static List<String> row(JsonNode r) {
        List<String> endpoints = new ArrayList<>();
        r.path("endpointNames").forEach(e -> endpoints.add(e.asText()));
        return List.of(r.path("name").asText(), r.path("source").asText(), String.join(",", endpoints),
                r.path("isEnabled").asBoolean(true) ? "yes" : "no", r.path("condition").asText("true"));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the hub's routes and its fallback route.",
            footer = {"", "Example:", "  ./muster hub route list -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;

        @Override
        public Integer call() {
            ObjectNode routing = RoutingEdit.read(hub.rest());
            if (output.json()) {
                output.print(System.out, routing);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            routing.path("routes").forEach(r -> rows.add(row(r)));
            rows.add(row(routing.path("fallbackRoute")));
            Output.table(System.out, List.of("NAME", "SOURCE", "ENDPOINT", "ENABLED", "CONDITION"), rows);
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a route (or replace the route of that name).",
                    "A condition the hub cannot parse is refused with its position."},
            footer = {"", "Example:", "  ./muster hub route add twins --source TwinChangeEvents --condition \"opType = 'updateTwin'\""})
    static final class Add implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--source", defaultValue = "DeviceMessages",
                description = "DeviceMessages, TwinChangeEvents, DeviceLifecycleEvents or DeviceConnectionStateEvents."
                        + " Default: ${DEFAULT-VALUE}")
        String source;
        @Option(names = "--condition", defaultValue = "true",
                description = "IoT Hub routing query, e.g. \"\\$body.temperature > 30\". Default: ${DEFAULT-VALUE}")
        String condition;
        @Option(names = "--endpoint", defaultValue = "events",
                description = "Endpoint name ('events' is the built-in one). Default: ${DEFAULT-VALUE}")
        String endpoint;
        @Option(names = "--disabled", description = "Save the route switched off.") boolean disabled;

        @Override
        public Integer call() {
            String wire = SOURCES.stream().filter(s -> s.equalsIgnoreCase(source)).findFirst().orElseThrow(() ->
                    new UsageError("--source must be one of " + String.join(", ", SOURCES) + "."));
            ObjectNode route = Json.object().put("name", name).put("source", wire).put("condition", condition);
            route.putArray("endpointNames").add(endpoint);
            route.put("isEnabled", !disabled);
            RoutingEdit.apply(hub.rest(), routing -> {
                ArrayNode routes = routing.withArray("routes");
                removeNamed(routes, name);
                routes.add(route);
            });
            output.done("Route " + name + " saved.");
            return 0;
        }
    }

    /** @return whether an element named {@code name} was there */
    static boolean removeNamed(ArrayNode items, String name) {
        boolean found = false;
        for (Iterator<JsonNode> it = items.elements(); it.hasNext(); ) {
            if (it.next().path("name").asText().equals(name)) {
                it.remove();
                found = true;
            }
        }
        return found;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a route.",
            footer = {"", "Example:", "  ./muster hub route remove alarms"})
    static final class Remove implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            RoutingEdit.apply(hub.rest(), routing -> {
                if (!removeNamed(routing.withArray("routes"), name)) {
                    throw new UsageError("The hub has no route " + name + ".");
                }
            });
            output.done("Route " + name + " removed.");
            return 0;
        }
    }

    @Command(name = "fallback", mixinStandardHelpOptions = true,
            description = {"Switch the fallback route on or off (on: device messages no route takes go to the",
                    "built-in endpoint; off: they are dropped once routes exist)."},
            footer = {"", "Example:", "  ./muster hub route fallback --disable"})
    static final class Fallback implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Option(names = "--enable", description = "Switch it on.") boolean enable;
        @Option(names = "--disable", description = "Switch it off.") boolean disable;

        @Override
        public Integer call() {
            if (enable == disable) {
                throw new UsageError("Pass --enable or --disable.");
            }
            RoutingEdit.apply(hub.rest(), routing -> ((ObjectNode) routing.path("fallbackRoute"))
                    .put("isEnabled", enable));
            output.done("Fallback route " + (enable ? "enabled." : "disabled."));
            return 0;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Which of the hub's routes take a message (IoT Hub's \"test route\"), and where it goes.",
                    "Prints the matching routes' names, one per line, and the endpoints."},
            footer = {"", "Example:", "  ./muster hub route test --body '{\"temperature\":35}' --json --property kind=alarm"})
    static final class Test implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Option(names = "--source", defaultValue = "DeviceMessages", description = "Routing source. Default: ${DEFAULT-VALUE}")
        String source;
        @Option(names = "--body", defaultValue = "", description = "The message body (text).") String body;
        @Option(names = "--json", description = "Mark the body application/json in UTF-8, so \\$body conditions apply.")
        boolean json;
        @Option(names = "--property", paramLabel = "KEY=VALUE", description = "An application property (repeatable).")
        List<String> properties = new ArrayList<>();
        @Option(names = "--system-property", paramLabel = "KEY=VALUE",
                description = "A system property, e.g. contentType=application/json (repeatable).")
        List<String> systemProperties = new ArrayList<>();

        @Override
        public Integer call() {
            ObjectNode message = Json.object().put("body", body);
            ObjectNode app = message.putObject("appProperties");
            KeyValues.parse(properties, "--property").forEach(app::put);
            ObjectNode sys = message.putObject("systemProperties");
            if (json) {
                sys.put("contentType", "application/json").put("contentEncoding", "utf-8");
            }
            KeyValues.parse(systemProperties, "--system-property").forEach(sys::put);
            ObjectNode request = Json.object().put("routingSource", source);
            request.set("message", message);
            JsonNode result = hub.rest().call("POST", "/routing/test", request, Map.of()).body();
            output.show(result, () -> {
                result.path("routes").forEach(r -> System.out.println("route " + r.path("properties").path("name")
                        .asText()));
                if (result.path("fallbackRoute").asBoolean()) {
                    System.out.println("fallback route");
                }
                List<String> endpoints = new ArrayList<>();
                result.path("endpoints").forEach(e -> endpoints.add(e.asText()));
                System.out.println("endpoints: " + (endpoints.isEmpty() ? "none (dropped)"
                        : String.join(", ", endpoints)));
            });
            return 0;
        }
    }
}
