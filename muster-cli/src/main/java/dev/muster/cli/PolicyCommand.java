package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "policy", mixinStandardHelpOptions = true,
        description = {"Shared access policies: named keys with rights.",
                "Rights: ServiceConfig, EnrollmentRead, EnrollmentWrite, RegistrationStatusRead,",
                "RegistrationStatusWrite. These commands need ServiceConfig."},
        subcommands = {PolicyCommand.ListAll.class, PolicyCommand.Show.class, PolicyCommand.Create.class,
                PolicyCommand.Delete.class, PolicyCommand.RegenerateKey.class},
        footer = {"", "Examples:", "  ./muster policy create enroller --rights EnrollmentRead,EnrollmentWrite",
                "  ./muster policy list", "  ./muster policy regenerate-key enroller --key secondary",
                "  ./muster connection-string show --policy enroller"})
final class PolicyCommand {
    static final List<String> RIGHTS = List.of("ServiceConfig", "EnrollmentRead", "EnrollmentWrite",
            "RegistrationStatusRead", "RegistrationStatusWrite");

    /** The rights as the API spells them, from a comma/space separated list in any letter case. */
    static String rights(List<String> given) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : String.join(",", given).split("[,\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            String right = RIGHTS.stream().filter(r -> r.equalsIgnoreCase(part.strip())).findFirst()
                    .orElseThrow(() -> new UsageError("Unknown right '" + part.strip() + "': use "
                            + String.join(", ", RIGHTS) + "."));
            out.add(right);
        }
        if (out.isEmpty()) {
            throw new UsageError("--rights needs at least one of " + String.join(", ", RIGHTS) + ".");
        }
        return String.join(", ", out);
    }

    static void printOne(JsonNode p) {
        Output.fields(System.out, p, List.of("keyName", "rights", "primaryKey", "secondaryKey"));
    }

    static String path(String name) {
        return "/policies/" + ApiClient.enc(name);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List policies and their rights (keys: show).",
            footer = {"", "Example:", "  ./muster policy list -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;

        @Override
        public Integer call() {
            JsonNode all = ApiClient.of(target).call("GET", "/policies", null, Map.of()).body();
            output.show(all, () -> {
                List<List<String>> rows = new ArrayList<>();
                all.forEach(p -> rows.add(List.of(p.path("keyName").asText(), p.path("rights").asText())));
                Output.table(System.out, List.of("NAME", "RIGHTS"), rows);
            });
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a policy with its keys.",
            footer = {"", "Example:", "  ./muster policy show provisioningserviceowner"})
    static final class Show implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            JsonNode p = ApiClient.of(target).call("GET", path(name), null, Map.of()).body();
            output.show(p, () -> printOne(p));
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a policy, or change an existing one's rights (keys are generated unless given).",
            footer = {"", "Examples:", "  ./muster policy create enroller --rights EnrollmentRead,EnrollmentWrite",
                    "  ./muster policy create monitor --rights RegistrationStatusRead --rights EnrollmentRead"})
    static final class Create implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--rights", required = true, split = ",", paramLabel = "RIGHT",
                description = "Comma-separated or repeated: ServiceConfig, EnrollmentRead, EnrollmentWrite,"
                        + " RegistrationStatusRead, RegistrationStatusWrite.")
        List<String> rights;
        @Option(names = "--primary-key", description = "Base64 key; generated when omitted.") String primaryKey;
        @Option(names = "--secondary-key", description = "Base64 key; generated when omitted.") String secondaryKey;

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("rights", rights(rights));
            if (primaryKey != null) {
                body.put("primaryKey", primaryKey);
            }
            if (secondaryKey != null) {
                body.put("secondaryKey", secondaryKey);
            }
            JsonNode p = ApiClient.of(target).call("PUT", path(name), body, Map.of()).body();
            output.show(p, () -> printOne(p));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a policy; tokens signed with its keys stop working at once.",
            footer = {"", "Example:", "  ./muster policy delete enroller"})
    static final class Delete implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            ApiClient.of(target).call("DELETE", path(name), null, Map.of());
            output.done("Deleted policy " + name + ".");
            return 0;
        }
    }

    @Command(name = "regenerate-key", mixinStandardHelpOptions = true,
            description = "Replace a policy's primary or secondary key with a new random one.",
            footer = {"", "Example:", "  ./muster policy regenerate-key enroller --key secondary"})
    static final class RegenerateKey implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--key", required = true, paramLabel = "primary|secondary", completionCandidates = Slots.class,
                description = "Which key: primary or secondary.")
        String key;

        @Override
        public Integer call() {
            JsonNode p = ApiClient.of(target).call("POST", path(name) + "/regenerateKey",
                    Json.object().put("keyType", Slots.check(key)), Map.of()).body();
            output.show(p, () -> printOne(p));
            return 0;
        }
    }

    /** primary / secondary. */
    static final class Slots extends ArrayList<String> {
        Slots() {
            super(List.of("primary", "secondary"));
        }

        static String check(String key) {
            if (!key.equals("primary") && !key.equals("secondary")) {
                throw new UsageError("--key must be 'primary' or 'secondary'.");
            }
            return key;
        }
    }
}
