package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code muster hub consumer-group …}: the consumer groups of a hub's built-in events endpoint, through the hub's
 * service API ({@code /eventHubEndpoints/events/ConsumerGroups}).
 */
@Command(name = "consumer-group", mixinStandardHelpOptions = true,
        description = "Consumer groups of a hub's built-in events endpoint: list, add, remove.",
        subcommands = {HubConsumerGroupCommand.ListAll.class, HubConsumerGroupCommand.Add.class,
                HubConsumerGroupCommand.Remove.class},
        footer = {"", "Examples:", "  ./muster hub consumer-group list", "  ./muster hub consumer-group add analytics",
                "  ./muster hub consumer-group remove analytics"})
final class HubConsumerGroupCommand {
    static final String PATH = "/eventHubEndpoints/events/ConsumerGroups";

    private HubConsumerGroupCommand() {}

    private static String path(String name) {
        return PATH + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static List<String> row(JsonNode g) {
        return List.of(g.path("name").asText(), g.path("properties").path("created").asText("-"));
    }

    private static final List<String> HEADER = List.of("NAME", "CREATED");

    /** A command on one consumer group of one hub. */
    abstract static class OneGroup implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(paramLabel = "NAME", description = "The consumer group.") String name;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the consumer groups.",
            footer = {"", "Example:", "  ./muster hub consumer-group list --hub 127.0.10.2 -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;

        @Override
        public Integer call() {
            JsonNode groups = hub.rest().call("GET", PATH, null, Map.of()).body();
            output.show(groups, () -> {
                List<List<String>> rows = new ArrayList<>();
                groups.path("value").forEach(g -> rows.add(row(g)));
                Output.table(System.out, HEADER, rows);
            });
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a consumer group (1-50 letters, digits, '.', '_', '-'); an existing one is kept.",
            footer = {"", "Example:", "  ./muster hub consumer-group add analytics"})
    static final class Add extends OneGroup {
        @Override
        public Integer call() {
            JsonNode g = hub.rest().call("PUT", path(name), Map.of("properties", Map.of("name", name)), Map.of())
                    .body();
            output.show(g, () -> Output.table(System.out, HEADER, List.of(row(g))));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a consumer group ($Default cannot be removed).",
            footer = {"", "Example:", "  ./muster hub consumer-group remove analytics"})
    static final class Remove extends OneGroup {
        @Override
        public Integer call() {
            hub.rest().call("DELETE", path(name), null, Map.of());
            output.done("Removed consumer group " + name + ".");
            return 0;
        }
    }
}
