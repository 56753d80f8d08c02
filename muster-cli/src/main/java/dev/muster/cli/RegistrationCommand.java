package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "registration", mixinStandardHelpOptions = true,
        description = "Registration records: what a device was assigned, and why recent attempts failed.",
        subcommands = {RegistrationCommand.ListAll.class, RegistrationCommand.Show.class, RegistrationCommand.Delete.class,
                RegistrationCommand.IssuedList.class, RegistrationCommand.Revoke.class},
        footer = {"", "Examples:", "  ./muster registration list --group line-3", "  ./muster registration show sensor-17",
                "  ./muster registration delete sensor-17", "  ./muster registration certificates sensor-17",
                "  ./muster registration revoke-certificates sensor-17 --serial 4F2A…"})
final class RegistrationCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the registration records of an enrollment group's devices.",
            footer = {"", "Example:", "  ./muster registration list --group line-3 -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Option(names = "--group", required = true, description = "Enrollment group ID.") String group;
        @Option(names = "--top", defaultValue = "1000", description = "Show at most this many. Default: ${DEFAULT-VALUE}")
        int top;

        @Override
        public Integer call() {
            List<JsonNode> all = ApiClient.of(target).pages("POST", "/registrations/" + ApiClient.enc(group)
                    + "/query", dev.muster.core.Json.object().put("query", "SELECT * FROM enrollmentGroups"), top);
            if (output.json()) {
                output.print(System.out, dev.muster.core.Json.MAPPER.valueToTree(all));
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : all) {
                rows.add(List.of(Output.text(r, "registrationId"), String.valueOf(Output.text(r, "status")),
                        String.valueOf(Output.text(r, "assignedHub")), String.valueOf(Output.text(r, "deviceId")),
                        String.valueOf(Output.text(r, "lastUpdatedDateTimeUtc"))));
            }
            Output.table(System.out, List.of("REGISTRATION_ID", "STATUS", "HUB", "DEVICE_ID", "UPDATED"), rows);
            System.out.println(all.size() + " registration record" + (all.size() == 1 ? "" : "s"));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a device's registration record and its recent failed attempts with their reasons.",
            footer = {"", "Example:", "  ./muster registration show sensor-17 -o json"})
    static final class Show implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "REGISTRATION_ID") String id;

        @Override
        public Integer call() {
            ApiClient api = ApiClient.of(target);
            JsonNode record = null;
            try {
                record = api.call("GET", "/registrations/" + ApiClient.enc(id), null, Map.of()).body();
            } catch (ApiClient.ApiError e) {
                if (e.exitCode != 4) {
                    throw e;
                }
            }
            JsonNode attempts = api.call("GET", "/registrations/" + ApiClient.enc(id) + "/attempts", null, Map.of()).body();
            if (output.json()) {
                var out = dev.muster.core.Json.object();
                out.set("registration", record);
                out.set("failedAttempts", attempts);
                output.print(System.out, out);
                return record == null ? 4 : 0;
            }
            if (record == null) {
                System.out.println("No registration record for " + id + ".");
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (String f : List.of("registrationId", "status", "substatus", "assignedHub", "deviceId",
                        "createdDateTimeUtc", "lastUpdatedDateTimeUtc", "etag")) {
                    rows.add(List.of(f, String.valueOf(Output.text(record, f))));
                }
                Output.table(System.out, List.of("FIELD", "VALUE"), rows);
            }
            if (attempts != null && attempts.size() > 0) {
                System.out.println();
                System.out.println("Recent failed attempts (newest first):");
                List<List<String>> rows = new ArrayList<>();
                attempts.forEach(a -> rows.add(List.of(Output.text(a, "timestampUtc"), Output.text(a, "status"),
                        String.valueOf(Output.text(a, "reason")))));
                Output.table(System.out, List.of("TIME", "STATUS", "REASON"), rows);
            }
            return record == null ? 4 : 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a registration record; the device may register again (its hub device stays).",
            footer = {"", "Example:", "  ./muster registration delete sensor-17"})
    static final class Delete implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "REGISTRATION_ID") String id;
        @Option(names = "--etag", description = "Only delete if the etag still matches.") String etag;

        @Override
        public Integer call() {
            ApiClient.of(target).delete("/registrations/" + ApiClient.enc(id), etag);
            output.done("Deleted registration record " + id + ".");
            return 0;
        }
    }

    // ---- certificates issued for the registration's CSRs ---------------------------------------------------------

    @Command(name = "certificates", mixinStandardHelpOptions = true,
            description = "List the certificates issued to a registration for its CSRs, newest first.",
            footer = {"", "Example:", "  ./muster registration certificates sensor-17 -o json"})
    static final class IssuedList implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "REGISTRATION_ID") String id;

        @Override
        public Integer call() {
            JsonNode all = ApiClient.of(target).call("GET", "/registrations/" + ApiClient.enc(id) + "/certificates",
                    null, Map.of()).body();
            List<JsonNode> list = new ArrayList<>();
            all.forEach(list::add);
            output.show(all, () -> IssuedCertificates.table(list));
            return 0;
        }
    }

    @Command(name = "revoke-certificates", mixinStandardHelpOptions = true,
            description = {"Revoke one (--serial) or all of a registration's issued certificates: the built-in hub",
                    "refuses them from the device's next connection."},
            footer = {"", "Examples:", "  ./muster registration revoke-certificates sensor-17",
                    "  ./muster registration revoke-certificates sensor-17 --serial 4F2A09"})
    static final class Revoke implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "REGISTRATION_ID") String id;
        @Option(names = "--serial", paramLabel = "SERIAL", description = "Only this certificate (hex serial number).")
        String serial;

        @Override
        public Integer call() {
            String query = serial == null ? "" : "?serialNumber=" + ApiClient.enc(serial.strip());
            JsonNode answer = ApiClient.of(target).call("POST", "/registrations/" + ApiClient.enc(id)
                    + "/certificates/revoke" + query, null, Map.of()).body();
            JsonNode revoked = answer.path("revoked");
            output.show(answer, () -> {
                System.out.println("Revoked " + revoked.size() + " certificate" + (revoked.size() == 1 ? "" : "s")
                        + " of " + id + (revoked.isEmpty() ? " (none was unrevoked" + (serial == null ? ""
                        : " with serial " + serial) + ")." : ":"));
                revoked.forEach(c -> System.out.println("  " + Output.text(c, "serialNumber")));
            });
            return revoked.isEmpty() && serial != null ? 4 : 0;
        }
    }
}
