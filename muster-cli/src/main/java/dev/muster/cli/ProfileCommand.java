package dev.muster.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Saved connection profiles: which server and key the API commands use.",
                "A profile is a service connection string, the CA to trust and the HTTPS port, kept in",
                "~/.config/muster/profiles.json (mode 600: it holds keys). Every API command takes --profile NAME;",
                "'profile use' makes one the default."},
        subcommands = {ProfileCommand.Save.class, ProfileCommand.ListAll.class, ProfileCommand.Use.class,
                ProfileCommand.Delete.class},
        footer = {"", "Examples:", "  ./muster profile save local --use",
                "  ./muster profile save prod --connection-string 'HostName=dps.example.com;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=…' --ca-file prod-ca.pem",
                "  ./muster profile list", "  ./muster enrollment list --profile prod"})
final class ProfileCommand {

    @Command(name = "save", mixinStandardHelpOptions = true,
            description = {"Save (or replace) a profile. Without --connection-string it copies the local Muster's",
                    "(DATA_DIR/connection-info.json): its owner connection string, CA and HTTPS port."},
            footer = {"", "Examples:", "  ./muster profile save local --use",
                    "  ./muster profile save fleet-b --connection-string \"$CS\" --ca-file ca.pem --port 8443"})
    static final class Save implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--connection-string", paramLabel = "CS", description = "Service connection string.")
        String connectionString;
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
                description = "Local Muster to copy from when no --connection-string is given. Default: ${DEFAULT-VALUE}")
        Path dataDir;
        @Option(names = {"--ca-file", "--ca"}, paramLabel = "PEM", description = "CA certificate to trust (stored as an absolute path).")
        Path ca;
        @Option(names = "--port", description = "HTTPS port (default 443, or the local Muster's).") Integer port;
        @Option(names = "--use", description = "Also make it the current profile.") boolean use;

        @Override
        public Integer call() {
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new UsageError("A profile name is 1-64 letters, digits, '.', '_' or '-'.");
            }
            String cs = connectionString;
            Path caFile = ca;
            Integer p = port;
            if (cs == null) {
                Target local = new Target();
                local.dataDir = dataDir;
                cs = local.connectionInfo().path("serviceConnectionString").asText();
                p = p != null ? p : local.connectionInfo().path("ports").path("https").asInt(443);
                caFile = caFile != null ? caFile : Path.of(local.connectionInfo().path("caCertificate").asText());
            }
            try {
                ConnectionString.parse(cs);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            if (caFile != null && !Files.isReadable(caFile)) {
                throw new UsageError("Cannot read the CA file " + caFile + ".");
            }
            Profiles profiles = Profiles.open();
            profiles.put(new Profiles.Profile(name, cs, caFile == null ? null : caFile.toAbsolutePath().toString(),
                    p == null || p == 443 ? null : p));
            if (use) {
                profiles.use(name);
            }
            profiles.save();
            System.out.println("Saved profile " + name + " in " + profiles.file() + " (mode 600)"
                    + (use ? "; it is now the current profile." : "."));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List saved profiles (keys are not shown).",
            footer = {"", "Example:", "  ./muster profile list -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin Output output;

        @Override
        public Integer call() {
            Profiles profiles = Profiles.open();
            ArrayNode doc = Json.MAPPER.createArrayNode();
            List<List<String>> rows = new ArrayList<>();
            for (Profiles.Profile p : profiles.all().values()) {
                ConnectionString cs = ConnectionString.parse(p.connectionString());
                boolean current = p.name().equals(profiles.currentName());
                doc.addObject().put("name", p.name()).put("hostName", cs.hostName()).put("keyName", cs.keyName())
                        .put("port", p.port() == null ? 443 : p.port()).put("caFile", p.caFile()).put("current", current);
                rows.add(List.of(current ? "*" : "", p.name(), cs.hostName(), String.valueOf(cs.keyName()),
                        String.valueOf(p.port() == null ? 443 : p.port()), p.caFile() == null ? "(system)" : p.caFile()));
            }
            output.show(doc, () -> {
                Output.table(System.out, List.of("CURRENT", "NAME", "HOST", "POLICY", "PORT", "CA"), rows);
                if (rows.isEmpty()) {
                    System.out.println("No profiles yet (" + profiles.file() + "): ./muster profile save NAME …");
                }
            });
            return 0;
        }
    }

    @Command(name = "use", mixinStandardHelpOptions = true,
            description = "Make a profile the default target of every API command (--connection-string, --profile,"
                    + " MUSTER_CONNECTION_STRING and --data-dir still win).",
            footer = {"", "Examples:", "  ./muster profile use prod", "  ./muster profile use --none"})
    static final class Use implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", arity = "0..1") String name;
        @Option(names = "--none", description = "Go back to the local ./data/connection-info.json.") boolean none;

        @Override
        public Integer call() {
            if ((name == null) == !none) {
                throw new UsageError("Give a profile NAME or --none.");
            }
            Profiles profiles = Profiles.open();
            if (none) {
                profiles.useNone();
            } else {
                profiles.use(name);
            }
            profiles.save();
            System.out.println(none ? "No current profile: commands use ./data/connection-info.json."
                    : "Current profile: " + name + ".");
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a saved profile.",
            footer = {"", "Example:", "  ./muster profile delete fleet-b"})
    static final class Delete implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            Profiles profiles = Profiles.open();
            profiles.remove(name);
            profiles.save();
            System.out.println("Deleted profile " + name + ".");
            return 0;
        }
    }
}
