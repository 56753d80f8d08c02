package dev.muster.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code muster hub endpoint …}: a hub's custom routing endpoints (HTTPS webhooks, Kafka topics). Credentials
 * (headers, producer properties) are stored sealed and always shown masked.
 */
@Command(name = "endpoint", mixinStandardHelpOptions = true,
        description = "A hub's custom routing endpoints: list, add a webhook or a Kafka topic, remove.",
        subcommands = {HubEndpointCommand.ListAll.class, HubEndpointCommand.AddWebhook.class,
                HubEndpointCommand.AddKafka.class, HubEndpointCommand.Remove.class},
        footer = {"", "Examples:",
                "  ./muster hub endpoint add-webhook alarms-hook --url https://ops.example.net/alarms"
                        + " --header 'Authorization=Bearer …'",
                "  ./muster hub endpoint add-kafka telemetry-kafka --bootstrap-servers kafka:9092 --topic telemetry",
                "  ./muster hub route add alarms --condition \"kind = 'alarm'\" --endpoint alarms-hook"})
final class HubEndpointCommand {
    private HubEndpointCommand() {}

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the hub's custom endpoints.",
            footer = {"", "Example:", "  ./muster hub endpoint list -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;

        @Override
        public Integer call() {
            ObjectNode endpoints = (ObjectNode) RoutingEdit.read(hub.rest()).path("endpoints");
            if (output.json()) {
                output.print(System.out, endpoints);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            endpoints.path("webhooks").forEach(w -> rows.add(List.of(w.path("name").asText(), "webhook",
                    w.path("url").asText())));
            endpoints.path("kafka").forEach(k -> rows.add(List.of(k.path("name").asText(), "kafka",
                    k.path("bootstrapServers").asText() + " / " + k.path("topic").asText())));
            Output.table(System.out, List.of("NAME", "TYPE", "TARGET"), rows);
            return 0;
        }
    }

    /** Puts the endpoint under {@code type} of the routing, replacing one of the same name of either type. */
    private static void save(HubTarget hub, String type, ObjectNode endpoint) {
        RoutingEdit.apply(hub.rest(), routing -> {
            ObjectNode endpoints = routing.with("endpoints");
            HubRouteCommand.removeNamed(endpoints.withArray("webhooks"), endpoint.path("name").asText());
            HubRouteCommand.removeNamed(endpoints.withArray("kafka"), endpoint.path("name").asText());
            endpoints.withArray(type).add(endpoint);
        });
    }

    @Command(name = "add-webhook", mixinStandardHelpOptions = true,
            description = "Add an HTTPS webhook endpoint (http only on a loopback address).",
            footer = {"", "Example:", "  ./muster hub endpoint add-webhook ops --url https://ops.example.net/in --header 'Authorization=Bearer …'"})
    static final class AddWebhook implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--url", required = true, description = "Where messages are POSTed.") String url;
        @Option(names = "--header", paramLabel = "NAME=VALUE", description = "A header sent with each request (repeatable).")
        List<String> headers = new ArrayList<>();
        @Option(names = "--max-attempts", defaultValue = "8",
                description = "Attempts before a message is dead-lettered. Default: ${DEFAULT-VALUE}")
        int maxAttempts;

        @Override
        public Integer call() {
            ObjectNode w = Json.object().put("name", name).put("url", url);
            ObjectNode h = w.putObject("headers");
            KeyValues.parse(headers, "--header").forEach(h::put);
            w.put("maxAttempts", maxAttempts);
            save(hub, "webhooks", w);
            output.done("Webhook endpoint " + name + " saved.");
            return 0;
        }
    }

    @Command(name = "add-kafka", mixinStandardHelpOptions = true, description = "Add an Apache Kafka topic endpoint.",
            footer = {"", "Example:", "  ./muster hub endpoint add-kafka stream --bootstrap-servers kafka:9092 --topic telemetry"})
    static final class AddKafka implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--bootstrap-servers", required = true, description = "host:port[,host:port…]")
        String bootstrapServers;
        @Option(names = "--topic", required = true) String topic;
        @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
                description = "A producer setting, e.g. security.protocol=SASL_SSL (repeatable).")
        List<String> properties = new ArrayList<>();

        @Override
        public Integer call() {
            ObjectNode k = Json.object().put("name", name).put("bootstrapServers", bootstrapServers)
                    .put("topic", topic);
            ObjectNode p = k.putObject("producerProperties");
            KeyValues.parse(properties, "--producer-property").forEach(p::put);
            save(hub, "kafka", k);
            output.done("Kafka endpoint " + name + " saved.");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a custom endpoint (refused while a route names it).",
            footer = {"", "Example:", "  ./muster hub endpoint remove ops"})
    static final class Remove implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            RoutingEdit.apply(hub.rest(), routing -> {
                ObjectNode endpoints = routing.with("endpoints");
                boolean found = HubRouteCommand.removeNamed(endpoints.withArray("webhooks"), name)
                        | HubRouteCommand.removeNamed(endpoints.withArray("kafka"), name);
                if (!found) {
                    throw new UsageError("The hub has no endpoint " + name + ".");
                }
            });
            output.done("Endpoint " + name + " removed.");
            return 0;
        }
    }
}
