package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code muster hub device …}: a hub's devices as a back end sees them, through the hub's own service API. */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "A hub's devices: list, show, query, invoke a direct method, send a cloud-to-device message.",
        subcommands = {HubDeviceCommand.ListAll.class, HubDeviceCommand.Show.class, HubDeviceCommand.Query.class,
                HubDeviceCommand.Method.class, HubDeviceCommand.Send.class},
        footer = {"", "Examples:", "  ./muster hub device list",
                "  ./muster hub device query \"SELECT * FROM devices WHERE tags.site = 'lab'\"",
                "  ./muster hub device method sensor-17 reboot --payload '{\"delay\":5}'",
                "  ./muster hub device send sensor-17 'hello' --property kind=greeting --ack full"})
final class HubDeviceCommand {
    private HubDeviceCommand() {}

    private static List<String> deviceRow(JsonNode d) {
        return List.of(Output.text(d, "deviceId"), String.valueOf(Output.text(d, "status")),
                String.valueOf(Output.text(d, "connectionState")), String.valueOf(Output.text(d, "lastActivityTime")),
                d.path("cloudToDeviceMessageCount").asText("0"),
                d.path("authentication").path("type").asText(d.path("authenticationType").asText("-")));
    }

    private static final List<String> DEVICE_HEADER = List.of("DEVICE_ID", "STATUS", "CONNECTION", "LAST_ACTIVITY",
            "C2D_QUEUED", "AUTH");

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the hub's devices.",
            footer = {"", "Example:", "  ./muster hub device list --top 50 -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Option(names = "--top", defaultValue = "1000", description = "Show at most this many. Default: ${DEFAULT-VALUE}")
        int top;

        @Override
        public Integer call() {
            if (top < 1 || top > 1000) {
                throw new UsageError("--top must be between 1 and 1000.");
            }
            JsonNode devices = hub.rest().call("GET", "/devices?top=" + top, null, Map.of()).body();
            if (output.json()) {
                output.print(System.out, devices);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            devices.forEach(d -> rows.add(deviceRow(d)));
            Output.table(System.out, DEVICE_HEADER, rows);
            System.out.println(rows.size() + " device" + (rows.size() == 1 ? "" : "s"));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a device: its identity, connection state and twin.",
            footer = {"", "Example:", "  ./muster hub device show sensor-17"})
    static final class Show implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "DEVICE_ID") String id;

        @Override
        public Integer call() {
            ApiClient api = hub.rest();
            JsonNode device = api.call("GET", "/devices/" + ApiClient.enc(id), null, Map.of()).body();
            JsonNode twin = api.call("GET", "/twins/" + ApiClient.enc(id), null, Map.of()).body();
            ObjectNode both = Json.object();
            both.set("device", device);
            both.set("twin", twin);
            output.show(both, () -> {
                Output.fields(System.out, device, List.of("deviceId", "status", "statusReason", "connectionState",
                        "connectionStateUpdatedTime", "lastActivityTime", "cloudToDeviceMessageCount", "authentication",
                        "capabilities", "deviceScope", "generationId", "etag"));
                System.out.println();
                Output.fields(System.out, twin, List.of("tags", "properties", "version"));
            });
            return 0;
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = {"Run an IoT Hub query over the hub's device twins (and modules), page by page.",
                    "Prints the items as JSON, one per line (the whole array with -o json)."},
            footer = {"", "Examples:", "  ./muster hub device query \"SELECT * FROM devices WHERE properties.reported.fw > 2\"",
                    "  ./muster hub device query \"SELECT COUNT() AS n FROM devices GROUP BY status\""})
    static final class Query implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "QUERY") String query;
        @Option(names = "--page-size", defaultValue = "100", description = "Items per page. Default: ${DEFAULT-VALUE}")
        int pageSize;
        @Option(names = "--top", description = "Stop after this many items.") Integer top;

        @Override
        public Integer call() {
            ApiClient api = hub.rest();
            ArrayNode all = Json.MAPPER.createArrayNode();
            String continuation = null;
            do {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("x-ms-max-item-count", Integer.toString(Math.max(1, pageSize)));
                if (continuation != null) {
                    headers.put("x-ms-continuation", continuation);
                }
                ApiClient.Reply page = api.call("POST", "/devices/query", Json.object().put("query", query), headers);
                for (JsonNode item : page.body()) {
                    if (top != null && all.size() >= top) {
                        break;
                    }
                    all.add(item);
                    if (!output.json()) {
                        System.out.println(Json.write(item));
                    }
                }
                continuation = page.header("x-ms-continuation");
            } while (continuation != null && !continuation.isEmpty() && (top == null || all.size() < top));
            if (output.json()) {
                output.print(System.out, all);
            }
            return 0;
        }
    }

    @Command(name = "method", mixinStandardHelpOptions = true,
            description = {"Invoke a direct method on a device (or module) and print its answer: status and payload.",
                    "Exit code 0 when the device answered, whatever status it chose."},
            footer = {"", "Example:", "  ./muster hub device method sensor-17 reboot --payload '{\"delay\":5}'"})
    static final class Method implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "DEVICE_ID") String id;
        @Parameters(index = "1", paramLabel = "METHOD") String name;
        @Option(names = "--module", description = "Module ID, to call the module's method.") String module;
        @Option(names = "--payload", defaultValue = "null", description = "JSON payload. Default: ${DEFAULT-VALUE}")
        String payload;
        @Option(names = "--response-timeout", defaultValue = "30",
                description = "Seconds the device has to answer (5-300). Default: ${DEFAULT-VALUE}")
        int responseTimeout;
        @Option(names = "--connect-timeout", defaultValue = "0",
                description = "Seconds to wait for the device to connect (0-300). Default: ${DEFAULT-VALUE}")
        int connectTimeout;

        @Override
        public Integer call() {
            JsonNode parsed;
            try {
                parsed = Json.tree(payload);
            } catch (RuntimeException e) {
                throw new UsageError("--payload is not JSON: " + e.getMessage());
            }
            ObjectNode body = Json.object().put("methodName", name).put("responseTimeoutInSeconds", responseTimeout)
                    .put("connectTimeoutInSeconds", connectTimeout);
            body.set("payload", parsed);
            String path = "/twins/" + ApiClient.enc(id) + (module == null ? "" : "/modules/" + ApiClient.enc(module))
                    + "/methods";
            JsonNode answer = hub.rest().call("POST", path, body, Map.of()).body();
            output.show(answer, () -> {
                System.out.println("status   " + answer.path("status").asText());
                System.out.println("payload  " + Json.write(answer.path("payload")));
            });
            return 0;
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = {"Send a cloud-to-device message to a device (or module), as the service SDKs do: over",
                    "AMQP to the hub's /messages/devicebound. It waits in the device's queue until the device takes it."},
            footer = {"", "Example:", "  ./muster hub device send sensor-17 '{\"led\":\"on\"}' --property kind=command --ack full"})
    static final class Send implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "DEVICE_ID") String id;
        @Parameters(index = "1", paramLabel = "BODY", description = "The message body (text).") String body;
        @Option(names = "--module", description = "Module ID.") String module;
        @Option(names = "--property", paramLabel = "KEY=VALUE", description = "An application property (repeatable).")
        List<String> properties = new ArrayList<>();
        @Option(names = "--message-id", description = "Message ID (default: a random UUID).") String messageId;
        @Option(names = "--ack", defaultValue = "none",
                description = "Feedback wanted: none, positive, negative or full. Default: ${DEFAULT-VALUE}")
        String ack;
        @Option(names = "--ttl", description = "Seconds the message may wait before it expires (default: the hub's, 1 h).")
        Long ttl;

        @Override
        public Integer call() throws Exception {
            if (!List.of("none", "positive", "negative", "full").contains(ack)) {
                throw new UsageError("--ack must be none, positive, negative or full.");
            }
            Map<String, String> props = KeyValues.parse(properties, "--property");
            new CloudToDeviceSender(hub.connectionString(), hub.amqpPort(), hub.target.caFile()).send(
                    new CloudToDeviceSender.Outgoing(id, module, body.getBytes(StandardCharsets.UTF_8), messageId, ack,
                            props, ttl));
            output.done("Queued for " + id + (module == null ? "" : "/" + module) + ".");
            return 0;
        }
    }
}
