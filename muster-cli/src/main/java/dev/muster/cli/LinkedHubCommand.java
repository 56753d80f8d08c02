package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "linked-hub", mixinStandardHelpOptions = true,
        description = "Hubs the instance assigns devices to, with their allocation weights and health.",
        subcommands = {LinkedHubCommand.Add.class, LinkedHubCommand.ListAll.class, LinkedHubCommand.Update.class,
                LinkedHubCommand.Remove.class},
        footer = {"", "Examples:", "  ./muster linked-hub list",
                "  ./muster linked-hub add 'HostName=hub3.example.com;SharedAccessKeyName=iothubowner;SharedAccessKey=…' --weight 2",
                "  ./muster linked-hub update hub3.example.com --weight 0", "  ./muster linked-hub remove hub3.example.com"})
final class LinkedHubCommand {

    static void print(Output output, JsonNode hubs) {
        if (output.json()) {
            output.print(System.out, hubs);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode h : hubs.isArray() ? hubs : Json.MAPPER.createArrayNode().add(hubs)) {
            JsonNode health = h.path("health");
            rows.add(List.of(h.path("hostName").asText(), h.path("allocationWeight").asText(),
                    h.path("applyAllocationPolicy").asText(), health.path("status").asText("-"),
                    health.has("deviceCount") ? health.get("deviceCount").asText() : "-",
                    health.has("latencyMs") ? health.get("latencyMs").asText() + " ms" : "-",
                    health.path("error").asText("")));
        }
        Output.table(System.out, List.of("HUB", "WEIGHT", "ALLOCATE", "HEALTH", "DEVICES", "LATENCY", "ERROR"), rows);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Link a hub by its connection string (checked against the hub first), or by the data folder",
                    "of a './muster hub' on this machine (--from), which keeps the key off the command line."},
            footer = {"", "Examples:", "  ./muster linked-hub add 'HostName=hub3.example.com;SharedAccessKeyName=iothubowner;SharedAccessKey=…'",
                    "  ./muster linked-hub add --from ./hub3 --weight 2"})
    static final class Add implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", arity = "0..1", paramLabel = "CONNECTION_STRING") String connectionString;
        @Option(names = "--from", paramLabel = "HUB_DATA_DIR",
                description = "Read the connection string from that hub's connection-info.json instead.")
        java.nio.file.Path from;
        @Option(names = "--weight", defaultValue = "1", description = "Allocation weight (0-1000). Default: ${DEFAULT-VALUE}")
        int weight;
        @Option(names = "--no-allocation", description = "Only assign devices whose enrollment names this hub.")
        boolean noAllocation;
        @Option(names = "--force", description = "Link even if the hub cannot be reached now.") boolean force;

        @Override
        public Integer call() {
            String cs = connectionString();
            String host = dev.muster.core.sas.ConnectionString.parse(cs).hostName();
            var body = Json.object().put("connectionString", cs).put("allocationWeight", weight)
                    .put("applyAllocationPolicy", !noAllocation);
            JsonNode r = ApiClient.of(target).call("PUT", "/linkedHubs/" + ApiClient.enc(host) + (force ? "?force=true" : ""),
                    body, Map.of()).body();
            print(output, r);
            return 0;
        }

        private String connectionString() {
            if ((connectionString == null) == (from == null)) {
                throw new UsageError("Give the hub's connection string or --from HUB_DATA_DIR (one of them).");
            }
            if (connectionString != null) {
                return connectionString;
            }
            java.nio.file.Path file = from.resolve("connection-info.json");
            try {
                String cs = Json.tree(java.nio.file.Files.readString(file)).path("hubs").path(0)
                        .path("connectionString").asText("");
                if (cs.isEmpty()) {
                    throw new UsageError(file + " names no hub: is " + from + " the data folder of './muster hub'?");
                }
                return cs;
            } catch (java.io.IOException e) {
                throw new UsageError("Cannot read " + file + " (" + e.getMessage() + "): start './muster hub --data-dir "
                        + from + "' first, as the user that owns it.");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List linked hubs with live health.",
            footer = {"", "Example:", "  ./muster linked-hub list -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;

        @Override
        public Integer call() {
            print(output, ApiClient.of(target).call("GET", "/linkedHubs", null, Map.of()).body());
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a link's weight or allocation flag.",
            footer = {"", "Example:", "  ./muster linked-hub update 127.0.10.2 --weight 3"})
    static final class Update implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "HUB_HOST") String host;
        @Option(names = "--weight", description = "Allocation weight (0-1000).") Integer weight;
        @Option(names = "--allocation", arity = "1", description = "true: the hub takes part in allocation.") Boolean apply;

        @Override
        public Integer call() {
            if (weight == null && apply == null) {
                throw new UsageError("Give --weight and/or --allocation.");
            }
            var body = Json.object();
            if (weight != null) {
                body.put("allocationWeight", weight);
            }
            if (apply != null) {
                body.put("applyAllocationPolicy", apply);
            }
            print(output, ApiClient.of(target).call("PUT", "/linkedHubs/" + ApiClient.enc(host), body, Map.of()).body());
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Unlink a hub. Its devices stay in the hub; registrations already made keep pointing at it.",
            footer = {"", "Example:", "  ./muster linked-hub remove 127.0.10.2"})
    static final class Remove implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "HUB_HOST") String host;

        @Override
        public Integer call() {
            ApiClient.of(target).call("DELETE", "/linkedHubs/" + ApiClient.enc(host), null, Map.of());
            output.done("Unlinked hub " + host + ".");
            return 0;
        }
    }
}
