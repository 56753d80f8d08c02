package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.net.URLEncoder;
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

/** {@code muster hub deadletter …}: messages a custom route endpoint never took, listed and replayed. */
@Command(name = "deadletter", mixinStandardHelpOptions = true,
        description = "Messages custom route endpoints (webhooks, Kafka) refused or ran out of attempts for.",
        subcommands = {HubDeadLetterCommand.ListAll.class, HubDeadLetterCommand.Replay.class},
        footer = {"", "Examples:", "  ./muster hub deadletter list --endpoint alarms-hook",
                "  ./muster hub deadletter replay 17 18 19"})
final class HubDeadLetterCommand {
    private HubDeadLetterCommand() {}

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters in id order.",
            footer = {"", "Example:", "  ./muster hub deadletter list --endpoint alarms-hook --after 120 -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Option(names = "--endpoint", description = "Only this endpoint's (default: every endpoint's).")
        String endpoint;
        @Option(names = "--after", defaultValue = "0", description = "Only ids after this one (paging).")
        long after;
        @Option(names = "--top", defaultValue = "100", description = "Show at most this many (1-1000). Default: ${DEFAULT-VALUE}")
        int top;

        @Override
        public Integer call() {
            if (top < 1 || top > 1000) {
                throw new UsageError("--top must be between 1 and 1000.");
            }
            String path = "/routing/deadletters?after=" + after + "&top=" + top
                    + (endpoint == null ? "" : "&endpoint=" + URLEncoder.encode(endpoint, StandardCharsets.UTF_8));
            JsonNode letters = hub.rest().call("GET", path, null, Map.of()).body();
            if (output.json()) {
                output.print(System.out, letters);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            letters.forEach(d -> rows.add(List.of(d.path("id").asText(), d.path("endpoint").asText(),
                    d.path("deadLetteredTimeUtc").asText(), d.path("attempts").asText(),
                    d.path("systemProperties").path("iothub-connection-device-id").asText("-"),
                    d.path("lastError").asText(""))));
            Output.table(System.out, List.of("ID", "ENDPOINT", "DEAD_SINCE", "ATTEMPTS", "DEVICE", "LAST_ERROR"), rows);
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Put dead letters back in their endpoint's outbox, to be delivered now.",
            footer = {"", "Example:", "  ./muster hub deadletter replay 17 18 19"})
    static final class Replay implements Callable<Integer> {
        @Mixin HubTarget hub;
        @Mixin Output output;
        @Option(names = "--endpoint", description = "Only ids of this endpoint.")
        String endpoint;
        @Parameters(arity = "1..*", paramLabel = "ID", description = "Dead letter ids (from `hub deadletter list`).")
        List<Long> ids;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ids", ids);
            if (endpoint != null) {
                body.put("endpoint", endpoint);
            }
            JsonNode r = hub.rest().call("POST", "/routing/deadletters/replay", Json.write(body), Map.of()).body();
            if (output.json()) {
                output.print(System.out, r);
                return 0;
            }
            System.out.println("Replayed " + r.path("replayed").asInt() + " of " + ids.size() + " dead letter(s).");
            return 0;
        }
    }
}
