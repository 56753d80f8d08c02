package dev.muster.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.sas.ConnectionString;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code muster hub show}: how to reach a hub, the built-in events endpoint included (the Event Hubs-compatible name
 * and connection string a telemetry back end reads with). Keys are masked unless {@code --show-keys}: stdout often
 * ends up in logs, as the serve banner's rule has it.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show a hub's host, its iothubowner connection string and its built-in events endpoint",
                "(Event Hubs-compatible name and connection string). Keys are masked unless --show-keys."},
        footer = {"", "Examples:", "  ./muster hub show",
                "  export EVENTHUB=\"$(./muster hub show --show-keys -o json | jq -r .eventHubsCompatibleConnectionString)\""})
final class HubShowCommand implements Callable<Integer> {
    static final String MASK = "****";

    @Mixin HubTarget hub;
    @Mixin Output output;
    @Option(names = "--show-keys", description = "Print the connection strings with their keys.")
    boolean showKeys;

    @Override
    public Integer call() {
        ConnectionString cs = hub.connectionString();
        String key = showKeys ? cs.key() : MASK;
        ObjectNode o = Json.object();
        o.put("hostName", cs.hostName());
        o.put("connectionString", "HostName=" + cs.hostName() + ";SharedAccessKeyName=" + cs.keyName()
                + ";SharedAccessKey=" + key);
        o.put("eventHubsCompatibleName", BuiltInHubConfig.eventHubsCompatibleName(cs.hostName()));
        o.put("eventHubsCompatibleEndpoint", "sb://" + cs.hostName() + "/");
        o.put("eventHubsCompatibleConnectionString",
                BuiltInHubConfig.eventHubsCompatibleConnectionString(cs.hostName(), cs.keyName(), key));
        output.show(o, () -> Output.fields(System.out, o, List.of("hostName", "connectionString",
                "eventHubsCompatibleName", "eventHubsCompatibleEndpoint", "eventHubsCompatibleConnectionString")));
        return 0;
    }
}
