package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Option;

/** --output table|json, shared by every listing and showing command. */
public final class Output {
    @Option(names = {"-o", "--output"}, defaultValue = "table", completionCandidates = Formats.class,
            description = "table (default, for people) or json (the API's documents, for scripts)")
    String format;

    static final class Formats extends java.util.ArrayList<String> {
        Formats() {
            super(List.of("table", "json"));
        }
    }

    boolean json() {
        if (!format.equals("table") && !format.equals("json")) {
            throw new UsageError("--output must be 'table' or 'json'.");
        }
        return format.equals("json");
    }

    void print(PrintStream out, JsonNode node) {
        try {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (java.io.IOException e) {
            out.println(node);
        }
    }

    /** The API's document as JSON with --output json, else the human table {@code table} prints. */
    void show(JsonNode document, Runnable table) {
        if (json()) {
            print(System.out, document);
        } else {
            table.run();
        }
    }

    /** A confirmation for people; nothing with --output json (the API answers such calls with no document). */
    void done(String message) {
        if (!json()) {
            System.out.println(message);
        }
    }

    /** A two-column FIELD / VALUE table of the named fields of {@code n} (nested objects printed as JSON). */
    static void fields(PrintStream out, JsonNode n, List<String> names) {
        List<List<String>> rows = new java.util.ArrayList<>();
        for (String f : names) {
            JsonNode v = n.path(f);
            rows.add(List.of(f, v.isMissingNode() || v.isNull() ? "-" : v.isValueNode() ? v.asText() : v.toString()));
        }
        table(out, List.of("FIELD", "VALUE"), rows);
    }

    /** A plain text table: header row, then rows, columns padded to their widest cell. */
    static void table(PrintStream out, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i) == null ? 1 : r.get(i).length());
            }
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < header.size(); i++) {
            line.append(String.format("%-" + width[i] + "s  ", header.get(i)));
        }
        out.println(line.toString().stripTrailing());
        for (List<String> r : rows) {
            line.setLength(0);
            for (int i = 0; i < r.size(); i++) {
                line.append(String.format("%-" + width[i] + "s  ", r.get(i) == null ? "-" : r.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }
}
