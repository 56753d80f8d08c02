package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "connection-string", mixinStandardHelpOptions = true,
        description = "Service connection strings of the instance's shared access policies.",
        subcommands = ConnectionStringCommand.Show.class,
        footer = {"", "Examples:", "  ./muster connection-string show",
                "  ./muster connection-string show --policy enroller --key secondary"})
final class ConnectionStringCommand {

    /** {@code HostName=…;SharedAccessKeyName=…;SharedAccessKey=…} of {@code policy}'s key {@code slot} on {@code host}. */
    static String of(String host, JsonNode policy, String slot) {
        return new ConnectionString(host, policy.path("keyName").asText(), policy.path(slot + "Key").asText(), null)
                .toString();
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print a policy's connection string for this instance (reads the policy: needs",
                    "ServiceConfig). Default: the policy of the connection string in use, primary key."},
            footer = {"", "Examples:", "  ./muster connection-string show --policy enroller",
                    "  export MUSTER_CONNECTION_STRING=\"$(./muster connection-string show --policy enroller)\""})
    static final class Show implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Option(names = "--policy", paramLabel = "NAME", description = "Policy name (default: the one in use).")
        String policy;
        @Option(names = "--key", defaultValue = "primary", completionCandidates = PolicyCommand.Slots.class,
                description = "primary (default) or secondary.")
        String key;

        @Override
        public Integer call() {
            PolicyCommand.Slots.check(key);
            ConnectionString current = target.service();
            String name = policy != null ? policy : current.keyName();
            if (name == null) {
                throw new UsageError("The connection string in use names no policy: give --policy.");
            }
            JsonNode p = ApiClient.of(target).call("GET", PolicyCommand.path(name), null, Map.of()).body();
            String cs = of(current.hostName(), p, key);
            output.show(Json.object().put("connectionString", cs), () -> System.out.println(cs));
            return 0;
        }
    }
}
