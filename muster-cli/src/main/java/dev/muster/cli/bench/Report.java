package dev.muster.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The benchmark's result: a plain-text table for people, the same facts as JSON for scripts ({@code --json}). */
public final class Report {
    /** A target of the issue and whether this run met it; {@code pass} null when it could not be judged. */
    public record Check(String key, String what, String measured, String target, Boolean pass) {}

    private final Map<String, String> context = new LinkedHashMap<>();
    private final List<PhaseResult> phases = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final ObjectNode json = Json.object();

    public Report context(String key, String value) {
        context.put(key, value);
        return this;
    }

    public Report phase(PhaseResult p) {
        phases.add(p);
        return this;
    }

    public Report check(Check c) {
        checks.add(c);
        return this;
    }

    public Report note(String line) {
        notes.add(line);
        return this;
    }

    /** Extra structured facts for the JSON form (server resources, scaling, verification). */
    public ObjectNode json() {
        return json;
    }

    public List<PhaseResult> phases() {
        return phases;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        context.forEach((k, v) -> out.append(String.format(Locale.ROOT, "%-14s %s%n", k, v)));
        out.append('\n').append(table(phases)).append('\n');
        if (!checks.isEmpty()) {
            out.append("Targets\n");
            for (Check c : checks) {
                String mark = c.pass() == null ? "  ?" : c.pass() ? " ok" : " NO";
                out.append(String.format(Locale.ROOT, "%s  %-52s %-28s (target %s)%n", mark, c.what(), c.measured(),
                        c.target()));
            }
            out.append('\n');
        }
        for (PhaseResult p : phases) {
            if (!p.errorsByKind().isEmpty()) {
                out.append("Errors in ").append(p.title()).append(": ").append(p.errorsByKind()).append('\n');
            }
        }
        notes.forEach(n -> out.append(n).append('\n'));
        return out.toString();
    }

    /** The phase table: one row per phase, latencies in ms, CPU in cores. */
    public static String table(List<PhaseResult> phases) {
        List<String> header = List.of("phase", "ok", "errors", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms",
                "TLS p50", "server", "client", "machine");
        List<List<String>> rows = new ArrayList<>();
        for (PhaseResult p : phases) {
            rows.add(List.of(p.title(), String.format(Locale.ROOT, "%,d", p.ok()),
                    String.format(Locale.ROOT, "%,d", p.errors()), String.format(Locale.ROOT, "%,.0f", p.rate()),
                    ms(p.latency().p50()), ms(p.latency().p95()), ms(p.latency().p99()), ms(p.latency().max()),
                    ms(p.handshake().p50()), cores(p.serverCores()), cores(p.clientCores()), percent(p.machineBusy())));
        }
        int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, header, width);
        for (List<String> r : rows) {
            appendRow(out, r, width);
        }
        out.append("(latency: device-observed, from setting off to holding the answer, TLS handshake included;"
                + " server/client: CPU cores used; machine: share of all cores busy)\n");
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            // First column left-aligned (names), numbers right-aligned.
            line.append(i == 0 ? String.format("%-" + width[i] + "s", cells.get(i))
                    : String.format("  %" + width[i] + "s", cells.get(i)));
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    public static String ms(double v) {
        return Double.isNaN(v) ? "-" : v >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
    }

    static String cores(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    public static String mb(double bytes) {
        return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%,.0f MiB", bytes / 1024 / 1024);
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        ObjectNode ctx = root.putObject("context");
        context.forEach(ctx::put);
        ArrayNode ps = root.putArray("phases");
        for (PhaseResult p : phases) {
            ObjectNode n = ps.addObject();
            n.put("phase", p.key()).put("title", p.title()).put("devices", p.devices()).put("ok", p.ok())
                    .put("errors", p.errors()).put("seconds", round(p.seconds())).put("perSecond", round(p.rate()));
            if (p.concurrency() > 0) {
                n.put("concurrency", p.concurrency());
            }
            if (!Double.isNaN(p.targetRate())) {
                n.put("targetRate", round(p.targetRate()));
            }
            latency(n.putObject("latencyMs"), p.latency());
            latency(n.putObject("tlsHandshakeMs"), p.handshake());
            n.put("serverCores", round(p.serverCores())).put("clientCores", round(p.clientCores()))
                    .put("machineBusy", round(p.machineBusy()));
            ObjectNode errors = n.putObject("errorsByKind");
            p.errorsByKind().forEach(errors::put);
        }
        ArrayNode cs = root.putArray("targets");
        for (Check c : checks) {
            ObjectNode n = cs.addObject().put("key", c.key()).put("what", c.what()).put("measured", c.measured())
                    .put("target", c.target());
            if (c.pass() == null) {
                n.putNull("met");
            } else {
                n.put("met", c.pass());
            }
        }
        root.setAll(json);
        return root;
    }

    private static void latency(ObjectNode n, Percentiles p) {
        n.put("count", p.count()).put("p50", round(p.p50())).put("p95", round(p.p95())).put("p99", round(p.p99()))
                .put("max", round(p.max())).put("mean", round(p.mean()));
    }

    /** Three decimals; NaN (not measured) becomes null, since JSON has no NaN. */
    static Double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 1000) / 1000.0;
    }
}
