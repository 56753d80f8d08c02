package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.sas.ConnectionString;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Operations metering (Azure's billing unit) of an instance, as a table of time buckets.",
                "Counts registrations, re-registrations, enrollment creates/updates/deletes, bulk items, and failed",
                "attempts by reason (counted, not billed). Needs ServiceConfig on the instance."},
        subcommands = UsageCommand.Failures.class,
        footer = {"", "Examples:", "  ./muster usage --since 24h --granularity hour",
                "  ./muster usage --instance fleet-b --since 2026-11-01T00:00:00Z --granularity day -o json",
                "  ./muster usage failures --top 20"})
final class UsageCommand implements Callable<Integer> {
    private static final Pattern RELATIVE = Pattern.compile("(\\d+)([mhd])");

    @Mixin Target target;
    @Mixin Output output;
    @Option(names = "--instance", paramLabel = "NAME", description = "Instance to report on: a profile of that name,"
            + " else a saved profile for the instance's service host (looked up with the administrator API).")
    String instance;
    @Option(names = "--since", paramLabel = "WHEN", description = "ISO-8601 UTC time, or a span back from now: 90m,"
            + " 24h, 7d. Default: the server's (30 days).")
    String since;
    @Option(names = "--granularity", paramLabel = "minute|hour|day", completionCandidates = Granularities.class,
            description = "Size of the time buckets of the series: minute, hour or day.")
    String granularity;

    static final class Granularities extends ArrayList<String> {
        Granularities() {
            super(List.of("minute", "hour", "day"));
        }
    }

    /** --since as the ISO instant the API wants: relative spans are counted back from {@code now}. */
    static String since(String given, Instant now) {
        if (given == null) {
            return null;
        }
        Matcher m = RELATIVE.matcher(given.strip());
        if (m.matches()) {
            ChronoUnit unit = switch (m.group(2)) {
                case "m" -> ChronoUnit.MINUTES;
                case "h" -> ChronoUnit.HOURS;
                default -> ChronoUnit.DAYS;
            };
            return now.minus(Duration.of(Long.parseLong(m.group(1)), unit)).truncatedTo(ChronoUnit.SECONDS).toString();
        }
        try {
            return Instant.parse(given.strip()).toString();
        } catch (DateTimeParseException e) {
            throw new UsageError("--since must be an ISO-8601 UTC time (2026-11-01T00:00:00Z) or a span such as 90m,"
                    + " 24h or 7d.");
        }
    }

    /** The target for {@code --instance NAME}: its profile, or the saved profile for its service host name. */
    static Target forInstance(Target admin, String name) {
        if (name == null) {
            return admin;
        }
        Profiles profiles = Profiles.open();
        if (profiles.all().containsKey(name)) {
            return withProfile(admin, name);
        }
        JsonNode inst = ApiClient.of(admin).call("GET", "/instances/" + ApiClient.enc(name), null, Map.of()).body();
        String host = inst.path("serviceHostName").asText();
        if (admin.service().hostName().equalsIgnoreCase(host)) {
            return admin;
        }
        for (Profiles.Profile p : profiles.all().values()) {
            if (ConnectionString.parse(p.connectionString()).hostName().equalsIgnoreCase(host)) {
                return withProfile(admin, p.name());
            }
        }
        throw new UsageError("No saved profile for instance " + name + " (" + host + "): usage is read with the"
                + " instance's own key; save it with './muster profile save " + name + " --connection-string …'.");
    }

    private static Target withProfile(Target base, String profile) {
        Target t = new Target();
        t.profile = profile;
        t.ca = base.ca;
        t.port = base.port;
        return t;
    }

    @Override
    public Integer call() {
        if (granularity != null && !List.of("minute", "hour", "day").contains(granularity)) {
            throw new UsageError("--granularity must be minute, hour or day.");
        }
        StringBuilder query = new StringBuilder("/usage");
        String from = since(since, Instant.now());
        List<String> params = new ArrayList<>();
        if (from != null) {
            params.add("since=" + ApiClient.enc(from));
        }
        if (granularity != null) {
            params.add("granularity=" + granularity);
        }
        if (!params.isEmpty()) {
            query.append('?').append(String.join("&", params));
        }
        JsonNode usage = ApiClient.of(forInstance(target, instance)).call("GET", query.toString(), null, Map.of()).body();
        output.show(usage, () -> print(usage));
        return 0;
    }

    static void print(JsonNode u) {
        System.out.println("Instance " + u.path("idScope").asText() + (u.hasNonNull("name") ? " (" + u.get("name").asText()
                + ")" : "") + ", since " + u.path("since").asText() + ": " + u.path("billedOperations").asText("0")
                + " billed operations.");
        Set<String> kinds = new LinkedHashSet<>();
        u.path("operations").fieldNames().forEachRemaining(kinds::add);
        u.path("series").forEach(b -> b.path("operations").fieldNames().forEachRemaining(kinds::add));
        List<String> header = new ArrayList<>();
        header.add("START");
        kinds.forEach(header::add);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode bucket : u.path("series")) {
            List<String> row = new ArrayList<>();
            row.add(bucket.path("start").asText());
            kinds.forEach(k -> row.add(bucket.path("operations").path(k).asText("0")));
            rows.add(row);
        }
        List<String> total = new ArrayList<>();
        total.add("TOTAL");
        kinds.forEach(k -> total.add(u.path("operations").path(k).asText("0")));
        rows.add(total);
        System.out.println();
        Output.table(System.out, header, rows);
        JsonNode failures = u.path("failures");
        if (failures.size() > 0) {
            System.out.println();
            System.out.println("Failed attempts by reason (not billed):");
            List<List<String>> reasons = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = failures.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                reasons.add(List.of(e.getValue().asText(), e.getKey()));
            }
            Output.table(System.out, List.of("COUNT", "REASON"), reasons);
        }
    }

    @Command(name = "failures", mixinStandardHelpOptions = true,
            description = "The instance's most recent failed registration attempts, newest first.",
            footer = {"", "Example:", "  ./muster usage failures --top 20 --instance fleet-b"})
    static final class Failures implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Option(names = "--instance", paramLabel = "NAME", description = "As for 'muster usage'.") String instance;
        @Option(names = "--top", defaultValue = "20", description = "How many. Default: ${DEFAULT-VALUE}") int top;

        @Override
        public Integer call() {
            JsonNode all = ApiClient.of(forInstance(target, instance)).call("GET", "/usage/failures?top=" + top, null,
                    Map.of()).body();
            output.show(all, () -> {
                List<List<String>> rows = new ArrayList<>();
                all.forEach(f -> rows.add(List.of(f.path("timestampUtc").asText(), f.path("registrationId").asText(),
                        f.path("status").asText("-"), f.path("errorCode").asText("-"), f.path("reason").asText("-"))));
                Output.table(System.out, List.of("TIME", "REGISTRATION_ID", "STATUS", "ERROR", "REASON"), rows);
            });
            return 0;
        }
    }
}
