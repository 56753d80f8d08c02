package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

@Command(name = "instance", mixinStandardHelpOptions = true,
        description = {"Provisioning service instances (tenants), each with its own ID scope and data.",
                "An instance has its own service host name, enrollments, registrations, linked hubs, certificates,",
                "policies and quotas. create, list, show NAME and delete are the administrator API: they need the",
                "default instance's connection string (ServiceConfig)."},
        subcommands = {InstanceCommand.Create.class, InstanceCommand.ListAll.class, InstanceCommand.Show.class,
                InstanceCommand.Update.class, InstanceCommand.Delete.class},
        footer = {"", "Examples:", "  ./muster instance create fleet-b --save-profile", "  ./muster instance list",
                "  ./muster instance show", "  ./muster instance update --profile fleet-b --registrations-per-minute 600",
                "  ./muster instance delete fleet-b --yes"})
final class InstanceCommand {
    static final List<String> FIELDS = List.of("name", "idScope", "serviceHostName", "globalEndpoint",
            "allocationPolicy", "quotas");

    /** Quota options shared by create and update; absent ones are left out of the request. */
    static final class Quotas {
        @Option(names = "--registrations-per-minute", paramLabel = "N",
                description = "Device registrations per minute (0 or less: no limit).")
        Integer registrationsPerMinute;
        @Option(names = "--operations-per-minute", paramLabel = "N",
                description = "Billed operations per minute (0 or less: no limit).")
        Integer operationsPerMinute;
        @Option(names = "--max-enrollments", paramLabel = "N", description = "Individual enrollments (0 or less: no limit).")
        Integer enrollments;

        void into(ObjectNode body) {
            if (registrationsPerMinute == null && operationsPerMinute == null && enrollments == null) {
                return;
            }
            ObjectNode q = body.putObject("quotas");
            put(q, "registrationsPerMinute", registrationsPerMinute);
            put(q, "operationsPerMinute", operationsPerMinute);
            put(q, "enrollments", enrollments);
        }

        private static void put(ObjectNode q, String field, Integer value) {
            if (value != null) {
                if (value <= 0) {
                    q.putNull(field);
                } else {
                    q.put(field, value);
                }
            }
        }
    }

    /** The instance settings the options give: allocation policy and quotas, absent ones left out. */
    static ObjectNode settings(String allocationPolicy, Quotas quotas) {
        ObjectNode body = Json.object();
        if (allocationPolicy != null) {
            body.put("allocationPolicy", allocationPolicy);
        }
        quotas.into(body);
        return body;
    }

    static String quotas(JsonNode q) {
        if (q == null || q.isMissingNode() || q.isNull()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (String f : List.of("registrationsPerMinute", "operationsPerMinute", "enrollments")) {
            if (q.hasNonNull(f)) {
                parts.add(f + "=" + q.get(f).asText());
            }
        }
        return parts.isEmpty() ? "none" : String.join(" ", parts);
    }

    static void printOne(JsonNode i) {
        ObjectNode shown = i.deepCopy();
        shown.put("quotas", quotas(i.path("quotas")));
        List<String> names = new ArrayList<>(FIELDS);
        if (i.has("policy")) {
            shown.put("policy", i.path("policy").path("keyName").asText() + " (" + i.path("policy").path("rights").asText() + ")");
            names.add("policy");
        }
        Output.fields(System.out, shown, names);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create an instance: a generated ID scope, its own service host name and an owner policy",
                    "(provisioningserviceowner) whose connection string is shown this one time."},
            footer = {"", "Examples:", "  ./muster instance create fleet-b --save-profile",
                    "  ./muster instance create lab --allocation-policy geoLatency --registrations-per-minute 100"})
    static final class Create implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--allocation-policy", description = "hashed (default), geoLatency or static.") String allocationPolicy;
        @Mixin Quotas quotas;
        @Option(names = "--save-profile", arity = "0..1", paramLabel = "PROFILE", fallbackValue = "",
                description = "Save the new owner connection string as a profile (named like the instance unless"
                        + " given), with this target's CA and port.")
        String saveProfile;

        @Override
        public Integer call() {
            ObjectNode body = settings(allocationPolicy, quotas);
            JsonNode created = ApiClient.of(target).call("PUT", "/instances/" + ApiClient.enc(name), body, Map.of()).body();
            String saved = null;
            if (saveProfile != null && created.hasNonNull("connectionString")) {
                saved = saveProfile.isEmpty() ? name : saveProfile;
                Profiles profiles = Profiles.open();
                java.nio.file.Path ca = target.caFile();
                int port = target.httpsPort();
                profiles.put(new Profiles.Profile(saved, created.get("connectionString").asText(),
                        ca == null ? null : ca.toAbsolutePath().toString(), port == 443 ? null : port));
                profiles.save();
            }
            String profileName = saved;
            output.show(created, () -> {
                printOne(created);
                System.out.println();
                System.out.println("Owner connection string (shown only now):");
                System.out.println("  " + created.path("connectionString").asText());
                System.out.println(profileName != null ? "Saved as profile '" + profileName + "': use --profile "
                        + profileName + "." : "Keep it, e.g. ./muster profile save " + name + " --connection-string '…'");
            });
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the instances (administrator API).",
            footer = {"", "Example:", "  ./muster instance list -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;

        @Override
        public Integer call() {
            JsonNode all = ApiClient.of(target).call("GET", "/instances", null, Map.of()).body();
            output.show(all, () -> {
                List<List<String>> rows = new ArrayList<>();
                all.forEach(i -> rows.add(List.of(i.path("name").asText(), i.path("idScope").asText(),
                        i.path("serviceHostName").asText(), i.path("allocationPolicy").asText("-"),
                        quotas(i.path("quotas")))));
                Output.table(System.out, List.of("NAME", "ID_SCOPE", "SERVICE_HOST", "ALLOCATION", "QUOTAS"), rows);
            });
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show an instance. Without NAME: the instance the connection string belongs to, with the",
                    "caller's own policy and rights (GET /instance); with NAME: the administrator view."},
            footer = {"", "Examples:", "  ./muster instance show", "  ./muster instance show fleet-b -o json"})
    static final class Show implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME", arity = "0..1") String name;

        @Override
        public Integer call() {
            JsonNode i = ApiClient.of(target).call("GET", name == null ? "/instance" : "/instances/" + ApiClient.enc(name),
                    null, Map.of()).body();
            output.show(i, () -> printOne(i));
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change the allocation policy or quotas of the instance the connection string belongs to"
                    + " (PATCH /instance, ServiceConfig).",
            footer = {"", "Example:", "  ./muster instance update --profile fleet-b --registrations-per-minute 600 --max-enrollments 0"})
    static final class Update implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Option(names = "--allocation-policy", description = "hashed, geoLatency or static.") String allocationPolicy;
        @Mixin Quotas quotas;

        @Override
        public Integer call() {
            ObjectNode body = settings(allocationPolicy, quotas);
            if (body.isEmpty()) {
                throw new UsageError("Give --allocation-policy and/or a quota option (see --help).");
            }
            JsonNode i = ApiClient.of(target).call("PATCH", "/instance", body, Map.of()).body();
            output.show(i, () -> printOne(i));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an instance and ALL its data: enrollments, registrations, policies (not the default).",
            footer = {"", "Example:", "  ./muster instance delete fleet-b --yes"})
    static final class Delete implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--yes", description = "Confirm: every enrollment and registration of the instance is deleted.")
        boolean yes;

        @Override
        public Integer call() {
            if (!yes) {
                throw new UsageError("Deleting instance " + name + " deletes all its data; add --yes to confirm.");
            }
            ApiClient.of(target).call("DELETE", "/instances/" + ApiClient.enc(name), null, Map.of());
            output.done("Deleted instance " + name + ".");
            return 0;
        }
    }
}
