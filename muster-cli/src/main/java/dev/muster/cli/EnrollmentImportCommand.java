package dev.muster.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.cli.bench.Progress;
import dev.muster.cli.csvimport.BulkImport;
import dev.muster.cli.csvimport.EnrollmentRows;
import dev.muster.core.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create (or update) individual enrollments from a CSV file through the bulk API: the whole file",
                "is checked first (bad rows are listed with their line numbers and nothing is sent), then the rows go",
                "10 per call with several calls in flight. A progress bar shows on a terminal (a line every 5 s",
                "otherwise); at the end a summary, and --errors FILE gets every refused row.",
                "",
                "The first row names the columns (any order, any case); only registrationId is required:",
                "  registrationId      letters, digits, - . _ : (at most 128)",
                "  attestation         symmetricKey (default) | tpm | x509",
                "  primaryKey          symmetricKey: base64, 16-64 bytes (generated when empty); also secondaryKey",
                "  endorsementKey      tpm: base64 EK (required for tpm); storageRootKey optional",
                "  certificate         x509: PEM file of the device certificate, relative to the CSV file",
                "  deviceId            hub device ID (default: the registration ID)",
                "  iotHubs             linked hub host names, separated by ';'",
                "  provisioningStatus  enabled (default) | disabled",
                "  allocationPolicy    hashed | geoLatency | static",
                "  iotEdge             true | false",
                "  tags, desired       initial twin tags / desired properties, JSON objects",
                "Fields with commas or quotes are quoted, quotes doubled: \"{\"\"site\"\":\"\"lab\"\"}\". Lines starting",
                "with # are comments.",
                "",
                "Re-running is safe: in create mode rows that already exist are counted as 'already existed' and left",
                "as they are; --mode update creates or replaces every row (idempotent)."},
        footer = {"", "Example:", "  printf 'registrationId,tags\\nsensor-1,\"{\"\"site\"\":\"\"lab\"\"}\"\\nsensor-2,\\n' > devices.csv",
                "  ./muster enrollment import --csv devices.csv --errors failed.csv",
                "  ./muster enrollment import --csv devices.csv --mode update"})
final class EnrollmentImportCommand implements Callable<Integer> {
    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "The CSV file (UTF-8).") Path csv;
    @Option(names = "--mode", defaultValue = "create", description = "create (default), update (create or replace)"
            + " or delete (remove the listed enrollments).") String mode;
    @Option(names = "--errors", paramLabel = "FILE", description = "Write refused rows here as CSV"
            + " (line,registrationId,errorCode,message).") Path errorsFile;
    @Option(names = "--parallel", defaultValue = "4", description = "Bulk calls in flight. Default: ${DEFAULT-VALUE}")
    int parallel;
    @Option(names = "--no-progress", description = "No progress output on stderr.") boolean noProgress;
    @Mixin Target target;
    @Mixin Output output;

    @Override
    public Integer call() throws Exception {
        if (!List.of("create", "update", "delete").contains(mode)) {
            throw new UsageError("--mode must be create, update or delete.");
        }
        if (parallel < 1 || parallel > 64) {
            throw new UsageError("--parallel must be 1 to 64.");
        }
        if (!Files.isReadable(csv)) {
            throw new UsageError("Cannot read " + csv + ".");
        }
        EnrollmentRows.Parsed parsed;
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            Path base = csv.toAbsolutePath().getParent();
            parsed = EnrollmentRows.read(in, base);
        }
        if (!parsed.problems().isEmpty()) {
            int shown = Math.min(parsed.problems().size(), 50);
            System.err.println(csv + ": " + parsed.problems().size() + " bad row" + (parsed.problems().size() == 1 ? "" : "s")
                    + "; nothing was sent.");
            parsed.problems().subList(0, shown).forEach(p -> System.err.println("  " + p));
            if (shown < parsed.problems().size()) {
                System.err.println("  … and " + (parsed.problems().size() - shown) + " more.");
            }
            return 2;
        }
        ApiClient api = ApiClient.of(target);
        BulkImport bulk = new BulkImport(body -> {
            try {
                return api.call("POST", "/enrollments", body, Map.of()).body();
            } catch (ApiClient.ApiError e) {
                throw new BulkImport.Failure(e.status, e.retryAfterSeconds, e.getMessage());
            }
        }, mode, parallel, 500);
        BulkImport.Summary s;
        if (noProgress) {
            s = bulk.run(parsed.items());
        } else {
            try (Progress ignored = new Progress(System.err, "import " + csv.getFileName(), parsed.items().size(), bulk,
                    System.console() != null)) {
                s = bulk.run(parsed.items());
            }
        }
        if (errorsFile != null) {
            writeErrors(errorsFile, s.errors());
        }
        report(s);
        return s.unreachable() ? 3 : s.errors().isEmpty() ? 0 : 1;
    }

    private void report(BulkImport.Summary s) {
        String verb = switch (mode) {
            case "update" -> "created or updated";
            case "delete" -> "deleted";
            default -> "created";
        };
        if (output.json()) {
            ObjectNode doc = Json.object().put("file", csv.toString()).put("mode", mode).put("rows", s.rows())
                    .put("succeeded", s.succeeded()).put("alreadyExisted", s.alreadyExisted())
                    .put("failed", s.errors().size()).put("seconds", Math.round(s.seconds() * 10) / 10.0);
            ArrayNode errors = doc.putArray("errors");
            s.errors().forEach(e -> errors.addObject().put("line", e.line()).put("registrationId", e.registrationId())
                    .put("errorCode", e.errorCode()).put("errorStatus", e.message()));
            output.print(System.out, doc);
            return;
        }
        System.out.printf(Locale.ROOT, "%,d rows in %.1f s (%,.0f rows/s): %,d %s, %,d already existed, %,d failed.%n",
                s.rows(), s.seconds(), s.rows() / Math.max(s.seconds(), 0.001), s.succeeded(), verb, s.alreadyExisted(),
                s.errors().size());
        // Rows the server refused are listed; rows that failed with the call that stopped the import, or were never
        // sent, are only counted (the "Stopped:" line says why).
        List<BulkImport.ItemError> refused = s.errors().stream().filter(e -> !e.message().startsWith(BulkImport.NOT_SENT)
                && !e.message().equals(s.stoppedBecause())).toList();
        int shown = Math.min(20, refused.size());
        for (BulkImport.ItemError e : refused.subList(0, shown)) {
            System.out.println("  line " + e.line() + " " + e.registrationId() + ": " + (e.errorCode() == 0 ? ""
                    : e.errorCode() + " ") + e.message());
        }
        String all = errorsFile == null ? "--errors FILE lists them all" : "all are in " + errorsFile;
        if (shown < refused.size()) {
            System.out.println("  … and " + (refused.size() - shown) + " more refused; " + all + ".");
        }
        int notDone = s.errors().size() - refused.size();
        if (notDone > 0) {
            System.out.println("  " + notDone + " rows not done because the import stopped (" + all + ").");
        }
        if (s.stoppedBecause() != null) {
            System.out.println("Stopped: " + s.stoppedBecause() + " Fix that, then run the same command again (rows"
                    + " already created are counted as 'already existed').");
        }
    }

    static void writeErrors(Path file, List<BulkImport.ItemError> errors) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("line,registrationId,errorCode,message");
            for (BulkImport.ItemError e : errors) {
                w.println(e.line() + "," + e.registrationId() + "," + e.errorCode() + "," + quote(e.message()));
            }
        }
    }

    static String quote(String s) {
        return "\"" + (s == null ? "" : s.replace("\"", "\"\"")) + "\"";
    }
}
