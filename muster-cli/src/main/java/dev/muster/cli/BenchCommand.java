package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.cli.bench.DeviceSas;
import dev.muster.cli.bench.DpsHttp;
import dev.muster.cli.bench.Driver;
import dev.muster.cli.bench.EnrollmentLoader;
import dev.muster.cli.bench.CsrRegistrations;
import dev.muster.cli.bench.HttpsJob;
import dev.muster.cli.bench.Job;
import dev.muster.cli.bench.MqttJob;
import dev.muster.cli.bench.Nginx;
import dev.muster.cli.bench.HubFleet;
import dev.muster.cli.bench.HubPhases;
import dev.muster.cli.bench.PhaseResult;
import dev.muster.cli.bench.PhaseRunner;
import dev.muster.cli.bench.PipelinedClient;
import dev.muster.cli.bench.Report;
import dev.muster.cli.bench.ServerProbe;
import dev.muster.cli.bench.BenchToken;
import dev.muster.cli.bench.Targets;
import dev.muster.cli.bench.TlsClient;
import dev.muster.cli.bench.X509Devices;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import dev.muster.server.ServerConfig;
import dev.muster.server.http.FrontDoor;
import dev.muster.server.metrics.MetricsEndpoint;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code muster bench}: the boot storm. Against a running Muster it creates its own symmetric-key enrollment group,
 * then measures, with one load generator and fresh TLS for every device: nginx serving a static body (the machine's
 * ceiling for fresh TLS plus a trivial answer), Muster's static {@code GET /health} (its TLS stack alone), and
 * complete registrations over HTTPS and MQTT; then latency at half the peak rate, and optionally registration
 * throughput with 1,000 vs 1,000,000 individual enrollments. It deletes its group at the end (which deletes its
 * registration records; the hub devices stay, as in Azure).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Boot-storm benchmark against a running Muster.",
                "N devices, each with a fresh TLS connection, register with a symmetric-key enrollment group over",
                "HTTPS and MQTT; compared with nginx serving a",
                "static body with the same certificate (the ceiling) and with Muster's static GET /health."},
        footer = {"", "Examples:", "  ./muster bench --quick",
                "  ./muster bench --devices 20000 --concurrency 64 --json > bench.json",
                "  ./muster bench --transport https --enrollments 1000,1000000",
                "", "Leaves behind: the hub devices it created (deleting the group deletes only its registration records);",
                "bench-ind-* enrollments when --enrollments was used (remove them with --delete-enrollments)."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--devices", description = "Devices per phase. Default: 20000 (2000 with --quick).")
    Integer devices;

    @Option(names = "--concurrency", defaultValue = "64", description = "Devices in flight at once. Default: ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = "--transport", defaultValue = "all", description = "https, mqtt or all. Default: ${DEFAULT-VALUE}")
    String transport;

    @Option(names = "--quick", description = "2,000 devices per phase, short warm-up: about a minute.")
    boolean quick;

    @Option(names = "--json", description = "Print the report as JSON on stdout (progress stays on stderr).")
    boolean json;

    @Option(names = "--skip-nginx", description = "Do not measure the nginx ceiling (no ratio then).")
    boolean skipNginx;

    @Option(names = "--nginx", paramLabel = "PATH", description = "nginx binary (default: PATH, /usr/sbin/nginx; installed"
            + " with apt-get install -y nginx-light when missing and running as root).")
    Path nginxBinary;

    @Option(names = "--nginx-workers", defaultValue = "0", description = "nginx worker processes (0: one per core).")
    int nginxWorkers;

    @Option(names = "--warmup", description = "Devices per warm-up round (rounds repeat until the server's JIT settles)."
            + " Default: devices/10, at most 2000 (300 with --quick).")
    Integer warmup;

    @Option(names = "--skip-half-rate", description = "Skip the latency phase at half the peak HTTPS rate.")
    boolean skipHalfRate;

    @Option(names = "--skip-hub", description = "Skip the built-in hub workloads (direct methods, cloud-to-device).")
    boolean skipHub;

    @Option(names = "--hub-devices", defaultValue = "100",
            description = "Devices connected over MQTT for the hub workloads. Default: ${DEFAULT-VALUE}")
    int hubDevices;

    @Option(names = "--skip-x509", description = "Skip the X.509 group storm (HTTPS, ECDSA P-256 device certificates).")
    boolean skipX509;

    @Option(names = "--skip-issuance", description = "Skip the certificate issuance phase (X.509 devices sending a CSR).")
    boolean skipIssuance;

    @Option(names = "--enrollments", split = ",", paramLabel = "COUNT",
            description = "Also compare registration throughput of individual enrollments with COUNT enrollments loaded"
                    + " (e.g. 1000,1000000); loads bench-ind-* through the service API as needed.")
    List<Integer> enrollmentCounts;

    @Option(names = "--scaling-devices", defaultValue = "1000",
            description = "Devices per round of the enrollment comparison. Default: ${DEFAULT-VALUE}")
    int scalingDevices;

    @Option(names = "--scaling-rounds", defaultValue = "3", description = "Rounds per enrollment count. Default: ${DEFAULT-VALUE}")
    int scalingRounds;

    @Option(names = "--delete-enrollments", description = "Delete the bench-ind-* enrollments and exit.")
    boolean deleteEnrollments;

    @Option(names = "--client-threads", defaultValue = "2", description = "Load generator event loops. Default: ${DEFAULT-VALUE}")
    int clientThreads;

    @Option(names = "--id-scope", description = "ID scope (default: from connection-info.json).")
    String idScope;

    @Option(names = "--global-endpoint", description = "host[:port] devices register with (default: from connection-info.json).")
    String globalEndpoint;

    @Option(names = "--mqtt-port", description = "DPS MQTT port (default: from connection-info.json, else 8883).")
    Integer mqttPort;

    @Option(names = "--metrics", paramLabel = "URL", description = "The server's Prometheus listener, for its CPU and"
            + " memory (default: from connection-info.json, else http://127.0.0.1:9464/metrics; token:"
            + " MUSTER_METRICS_TOKEN).")
    URI metrics;

    @Option(names = "--keep-group", description = "Do not delete the benchmark's enrollment group at the end.")
    boolean keepGroup;

    private final PrintStream err = System.err;
    private final boolean terminal = System.console() != null;

    // Resolved target
    private String scope;
    private String host;          // Host header and SNI name, e.g. localhost:9443
    private String sniName;
    private InetSocketAddress https;
    private InetSocketAddress mqtt;
    private ApiClient api;
    private ConnectionString service;
    private TlsClient tls;
    private PhaseRunner runner;
    private ServerProbe probe;
    private final String run = HexFormat.of().formatHex(randomBytes(3));
    private Path ca;
    private int x509Registered;
    /** The issuance phase, run inside the X.509 storm's set-up (same group, same client certificates). */
    private PhaseResult issuance;
    /** The same with the CA's key in a SoftHSM2 token, or null when SoftHSM2 is not here. */
    private PhaseResult issuanceHsm;
    /** nginx verifying the X.509 storm's client certificates: that storm's ceiling. */
    private PhaseResult nginxMtls;
    /** Whether the warm-up ended because the server's JIT settled (not by its time budget). */
    private Boolean warmUpSettled;
    /** Throughput with the most enrollments loaded ÷ with the fewest, and how it reads; NaN when not run. */
    private double enrollmentScaling = Double.NaN;
    private String enrollmentScalingMeasured;
    private double storeBytesAtStart = Double.NaN;
    private double storeBytesPerDevice = Double.NaN;
    private String storeBytesMeasured;

    @Override
    public Integer call() throws Exception {
        int n = devices != null ? devices : quick ? 2000 : 20000;
        int warm = warmup != null ? warmup : quick ? 300 : Math.min(2000, Math.max(200, n / 10));  // per round
        if (n < 1 || concurrency < 1 || clientThreads < 1) {
            throw new UsageError("--devices, --concurrency and --client-threads must be at least 1.");
        }
        if (!List.of("https", "mqtt", "all").contains(transport)) {
            throw new UsageError("--transport must be https, mqtt or all.");
        }
        resolveTarget();
        Path ca = target.ca != null ? target.ca : target.dataDir().resolve("tls").resolve("ca.pem");
        if (!Files.exists(ca)) {
            throw new UsageError("No CA certificate at " + ca + ": pass --ca or --data-dir of the Muster to test.");
        }
        this.ca = ca;
        tls = new TlsClient(ca, clientThreads, null);
        runner = new PhaseRunner(new Driver(r -> tls.group().next().execute(r)), err, terminal);
        try {
            if (deleteEnrollments) {
                return deleteBenchEnrollments();
            }
            return storm(n, warm);
        } finally {
            tls.close();
        }
    }

    private int storm(int n, int warm) throws Exception {
        Report report = new Report();
        Instant started = Instant.now();
        double load0 = loadAverage();
        report.context("run", run + " · " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .format(started.atOffset(ZoneOffset.UTC)));
        report.context("machine", MachineInfo.describe());
        report.context("target", host + " (ID scope " + scope + "), MQTT port " + mqtt.getPort());
        report.context("load", String.format(Locale.ROOT, "%,d devices per phase, concurrency %d, warm-up rounds of %,d;"
                + " fresh TLS handshake per device (no session reuse); client %s, %d event loops", n, concurrency, warm,
                tls.provider(), clientThreads));

        URI metricsUri = metricsUri();
        probe = new ServerProbe(target.ssl(), metricsUri, Environment.metricsToken().orElse(null)).start();
        if (probe.last() == null) {
            err.println("note: cannot read " + metricsUri + " (see --metrics); server CPU and memory will be missing.");
        }
        storeBytesAtStart = storeBytesNow();
        String groupId = "bench-" + run;
        String groupKey = Base64.getEncoder().encodeToString(randomBytes(32));
        createGroup(groupId, groupKey);
        boolean doHttps = !transport.equals("mqtt");
        boolean doMqtt = !transport.equals("https");
        List<String> sampleDevices = new CopyOnWriteArrayList<>();
        DpsHttp.Assignments sample = (id, hub, device) -> {
            if (sampleDevices.size() < 20) {
                sampleDevices.add(hub + "/" + device);
            }
        };
        int registered = 0;
        Map<String, PhaseResult> byKey = new HashMap<>();
        try {
            int warmedUp = warmUp(warm, doHttps, doMqtt, groupId, groupKey, report);
            if (warmedUp < 0) {
                return 1;
            }
            registered += warmedUp;
            if (!skipNginx) {
                PhaseResult nginx = nginxPhase(n, warm, report);
                if (nginx != null) {
                    report.phase(nginx);
                    byKey.put("nginx", nginx);
                }
            }
            PhaseResult stat = runner.closed("muster-static", "Muster GET /health (static)", n, concurrency,
                    staticJobs(https), this::serverCpu);
            report.phase(stat);
            byKey.put("muster-static", stat);
            if (doHttps) {
                PhaseResult h = runner.closed("https", "Muster HTTPS registration", n, concurrency,
                        httpsGroupJobs(groupId, groupKey, "h", n, sample), this::serverCpu);
                report.phase(h);
                byKey.put("https", h);
                registered += h.ok();
            }
            if (doMqtt) {
                PhaseResult m = runner.closed("mqtt", "Muster MQTT registration", n, concurrency,
                        mqttGroupJobs(groupKey, "m", n, sample), this::serverCpu);
                report.phase(m);
                byKey.put("mqtt", m);
                registered += m.ok();
            }
            if (doHttps && !skipX509) {
                PhaseResult x = x509Phase(n, warm, report);
                if (x != null) {
                    report.phase(x);
                    byKey.put("x509", x);
                }
                if (nginxMtls != null) {
                    report.phase(nginxMtls);
                    byKey.put(nginxMtls.key(), nginxMtls);
                }
                for (PhaseResult c : new PhaseResult[] {issuance, issuanceHsm}) {
                    if (c != null) {
                        report.phase(c);
                        byKey.put(c.key(), c);
                    }
                }
            }
            PhaseResult peak = byKey.getOrDefault("https", byKey.get("mqtt"));
            if (!skipHalfRate && peak != null && peak.rate() > 0) {
                double rate = peak.rate() / 2;
                int half = Math.max(1, n / 2);
                String t = peak.key().equals("https") ? "HTTPS" : "MQTT";
                IntFunction<Job> jobs = peak.key().equals("https")
                        ? httpsGroupJobs(groupId, groupKey, "l", half, DpsHttp.Assignments.NONE)
                        : mqttGroupJobs(groupKey, "l", half, DpsHttp.Assignments.NONE);
                PhaseResult l = runner.open("half-rate", String.format(Locale.ROOT, "Muster %s at %,.0f/s (half peak)", t,
                        rate), half, rate, Math.max(4 * concurrency, 256), jobs, this::serverCpu);
                report.phase(l);
                byKey.put("half-rate", l);
                registered += l.ok();
            }
            String hub = skipHub ? null : firstHubConnectionString();
            if (hub != null) {
                HubPhases phases = new HubPhases(runner, new HubFleet.Options(hub, target.httpsPort(), mqtt.getPort(),
                        ca, Math.max(1, hubDevices), concurrency, run, "hub"), this::serverCpu);
                int amqpPort = target.connectionInfo().path("ports").path("amqp").asInt(5671);
                String eventHub = dev.muster.core.hub.events.EventStream.eventHubName(
                        dev.muster.core.sas.ConnectionString.parse(hub).hostName());
                for (PhaseResult p : List.of(phases.methods(n), phases.cloudToDevice(n, amqpPort),
                        phases.telemetry(n, amqpPort, eventHub), phases.kafkaRoute(n))) {
                    report.phase(p);
                    byKey.put(p.key(), p);
                }
            }
            if (enrollmentCounts != null && !enrollmentCounts.isEmpty()) {
                scaling(report);
            }
            verify(report, groupId, registered, sampleDevices);
            measureStoreGrowth(registered + x509Registered);
        } finally {
            if (!keepGroup) {
                try {
                    api.call("DELETE", "/enrollmentgroups/" + ApiClient.enc(groupId), null, Map.of());
                } catch (RuntimeException e) {
                    err.println("could not delete the enrollment group " + groupId + ": " + e.getMessage());
                }
            }
            probe.close();
        }
        ServerProbe.Sample end = probe.sample();
        judge(report, byKey, end);
        report.context("load avg", String.format(Locale.ROOT, "%.2f at start, %.2f at end (1-minute; above ~0.5 on"
                + " an idle 2-core machine means someone else is using it: figures are then noisy)", load0,
                loadAverage()));
        report.note("Cleanup: enrollment group " + groupId + (keepGroup ? " kept" : " deleted with its registration"
                + " records") + "; the " + String.format(Locale.ROOT, "%,d", registered + x509Registered)
                + " hub devices it created stay"
                + " in the hubs (as in Azure).");
        if (json) {
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
        } else {
            System.out.println();
            System.out.print(report.text());
        }
        return 0;
    }

    // ---- phases -------------------------------------------------------------------------------------------------

    /**
     * Warms the server up until its JIT settles. On a 2-core machine a fresh Muster spends a minute or more of CPU
     * compiling (Vert.x, Netty, H2, Jackson) and meanwhile answers at about half its steady rate; measuring then would
     * measure the compiler. Rounds of static requests and registrations repeat until the server's compilation time
     * (jvm_compilation_time_ms_total on /metrics) grows by less than 5% of one core over a round, or the budget is
     * spent (40 s with --quick, 4 minutes otherwise).
     *
     * @return devices registered, or -1 when the first round failed completely (the errors are printed)
     */
    private int warmUp(int perRound, boolean doHttps, boolean doMqtt, String groupId, String groupKey, Report report)
            throws InterruptedException {
        long budget = (quick ? 40_000L : 240_000L) * 1_000_000L;
        long t0 = System.nanoTime();
        int registered = 0;
        int rounds = 0;
        double lastShare = Double.NaN;
        err.println("Warming up until the server's JIT settles (rounds of " + perRound + " devices) …");
        while (true) {
            rounds++;
            ServerProbe.Sample before = probe.sample();
            long r0 = System.nanoTime();
            runner.closed("warmup-static", "warm-up " + rounds + ": /health", Math.max(1, perRound / 2), concurrency,
                    staticJobs(https), null);
            if (doHttps) {
                PhaseResult w = runner.closed("warmup", "warm-up " + rounds + ": HTTPS", perRound, concurrency,
                        httpsGroupJobs(groupId, groupKey, "w" + rounds, perRound, DpsHttp.Assignments.NONE), null);
                registered += w.ok();
                if (rounds == 1 && w.ok() == 0) {
                    err.println("Every warm-up registration failed: " + w.errorsByKind());
                    return -1;
                }
            }
            if (doMqtt) {
                int n = doHttps ? Math.max(1, perRound / 2) : perRound;
                PhaseResult m = runner.closed("warmup-mqtt", "warm-up " + rounds + ": MQTT", n, concurrency,
                        mqttGroupJobs(groupKey, "v" + rounds, n, DpsHttp.Assignments.NONE), null);
                registered += m.ok();
                if (rounds == 1 && !doHttps && m.ok() == 0) {
                    err.println("Every warm-up registration failed: " + m.errorsByKind());
                    return -1;
                }
            }
            ServerProbe.Sample after = probe.sample();
            double seconds = (System.nanoTime() - r0) / 1e9;
            lastShare = before == null || after == null ? Double.NaN : (after.jitSeconds() - before.jitSeconds()) / seconds;
            boolean settled = Double.isNaN(lastShare) || lastShare < 0.05;
            if (settled || System.nanoTime() - t0 > budget) {
                warmUpSettled = settled;
                break;
            }
        }
        String share = Double.isNaN(lastShare) ? "server JIT time not exposed"
                : String.format(Locale.ROOT, "server JIT %.0f%% of a core in the last round", lastShare * 100);
        report.context("warm-up", String.format(Locale.ROOT, "%d round%s, %,d devices, %.0f s (%s)", rounds,
                rounds == 1 ? "" : "s", registered, (System.nanoTime() - t0) / 1e9, share));
        report.json().putObject("warmUp").put("rounds", rounds).put("devicesRegistered", registered)
                .put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0)
                .put("lastRoundServerJitCores", Double.isNaN(lastShare) ? null : Math.round(lastShare * 1000) / 1000.0);
        return registered;
    }

    /**
     * The X.509 group storm: devices of an enrollment group whose signing certificate is the benchmark's own root CA,
     * each presenting its own ECDSA P-256 certificate (CN = registration ID) on a fresh TLS connection, no SAS token.
     * Skipped with a note when the server does not accept X.509 groups.
     */
    private PhaseResult x509Phase(int n, int warm, Report report) throws Exception {
        X509Devices devices = new X509Devices("Muster bench root " + run);
        String groupId = "bench-" + run + "-x509";
        ObjectNode doc = Json.object().put("enrollmentGroupId", groupId);
        doc.putObject("attestation").put("type", "x509").putObject("x509").putObject("signingCertificates")
                .putObject("primary").put("certificate", devices.rootPem());
        doc.put("provisioningStatus", "enabled");
        ObjectNode twin = doc.putObject("initialTwin");
        twin.putObject("tags").put("benchRun", run);
        twin.putObject("properties").putObject("desired").put("telemetryInterval", 30);
        try {
            api.call("PUT", "/enrollmentgroups/" + ApiClient.enc(groupId), doc, Map.of());
        } catch (ApiClient.ApiError e) {
            report.note("X.509 storm skipped: the server refused an X.509 enrollment group (" + e.getMessage() + ").");
            return null;
        }
        int w = Math.min(n, Math.max(warm, 200));
        String[] warmIds = new String[w];
        String[] ids = new String[n];
        for (int i = 0; i < w; i++) {
            warmIds[i] = deviceId("y", i);
        }
        for (int i = 0; i < n; i++) {
            ids[i] = deviceId("x", i);
        }
        long t0 = System.nanoTime();
        err.printf(Locale.ROOT, "Issuing %,d ECDSA P-256 device certificates …%n", w + n);
        devices.issue(warmIds);
        devices.issue(ids);
        err.printf(Locale.ROOT, "issued in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        try (TlsClient x509Tls = new TlsClient(ca, clientThreads, devices.keyManager())) {
            PhaseResult wx = runner.closed("warmup-x509", "warm-up X.509", w, concurrency, x509Jobs(x509Tls, warmIds),
                    null);
            PhaseResult x = runner.closed("x509", "Muster HTTPS X.509 registration", n, concurrency,
                    x509Jobs(x509Tls, ids), this::serverCpu);
            x509Registered = x.ok() + wx.ok();
            if (!skipNginx) {
                nginxMtls = nginxMtlsPhase(devices, x509Tls, ids, warmIds, report);
            }
            report.note(String.format(Locale.ROOT, "X.509 storm: group %s (signing certificate: the benchmark's root"
                    + " CA, ECDSA P-256), %,d devices with their own ECDSA P-256 certificates; %,d more in its warm-up.",
                    groupId, n, w));
            if (!skipIssuance) {
                issuance = issuancePhase(devices, x509Tls, n, report);
                x509Registered += issuance.ok();
                issuanceHsm = issuanceHsmPhase(devices, x509Tls, n, report, groupId, doc);
                if (issuanceHsm != null) {
                    x509Registered += issuanceHsm.ok();
                }
            }
            return x;
        } finally {
            try {
                api.call("DELETE", "/enrollmentgroups/" + ApiClient.enc(groupId), null, Map.of());
            } catch (RuntimeException e) {
                err.println("could not delete the enrollment group " + groupId + ": " + e.getMessage());
            }
        }
    }

    /**
     * Certificate issuance (issue 18): the same X.509 group's devices register with a CSR each, so every registration
     * also signs an operational certificate with the instance's CA (policy {@code default}, the key in memory).
     */
    private PhaseResult issuancePhase(X509Devices devices, TlsClient x509Tls, int n, Report report)
            throws InterruptedException {
        PhaseResult c = runner.closed("issuance", "Muster X.509 registration + CSR issuance", n, concurrency,
                csrJobs(devices, x509Tls, "c", n), this::serverCpu);
        report.note(String.format(Locale.ROOT, "Issuance: %,d X.509 devices registered with an ECDSA P-256 CSR each"
                + " (api-version %s) and got their chain from policy default (the instance's generated CA, key in"
                + " memory): %,.0f certificates/s.", n, CsrRegistrations.API_VERSION, c.rate()));
        return c;
    }

    /**
     * Issuance with the CA's key in a SoftHSM2 token (issue 18): a PKCS#11 CA made in the bench's own token, a policy
     * naming it, and the X.509 group switched to that policy for the phase; every leaf is signed inside the token.
     * Needs SoftHSM2 on the server's machine (the benchmark runs there with --data-dir); skipped with a note otherwise.
     */
    private PhaseResult issuanceHsmPhase(X509Devices devices, TlsClient x509Tls, int n, Report report, String groupId,
                                         ObjectNode group) throws InterruptedException {
        String why = BenchToken.ensure(target.local());
        if (why != null) {
            report.note("Issuance with the key in SoftHSM2 skipped: " + why);
            return null;
        }
        String ca = "bench-hsm-" + run;
        try {
            api.call("PUT", "/issuingCas/" + ca, Json.object().put("kind", "pkcs11").put("token", BenchToken.LABEL)
                    .put("keyLabel", ca).put("pin", BenchToken.PIN), Map.of());
            api.call("PUT", "/certificatePolicies/" + ca, Json.object().put("issuingCa", ca), Map.of());
            api.call("PUT", "/enrollmentgroups/" + ApiClient.enc(groupId), group.deepCopy()
                    .put("credentialPolicyName", ca), Map.of("If-Match", "*"));
        } catch (ApiClient.ApiError e) {
            report.note("Issuance with the key in SoftHSM2 skipped: the server refused its CA or policy ("
                    + e.getMessage() + ").");
            removeHsmCa(ca, groupId, group);
            return null;
        }
        try {
            PhaseResult c = runner.closed("issuance-hsm", "Muster X.509 registration + CSR issuance (SoftHSM2)", n,
                    concurrency, csrJobs(devices, x509Tls, "k", n), this::serverCpu);
            report.note(String.format(Locale.ROOT, "Issuance (SoftHSM2): the same with policy %s, whose CA's ECDSA"
                    + " P-256 key was generated in SoftHSM2 token '%s' and signs through the JDK's SunPKCS11: %,.0f"
                    + " certificates/s.", ca, BenchToken.LABEL, c.rate()));
            return c;
        } finally {
            removeHsmCa(ca, groupId, group);
        }
    }

    /**
     * Devices {@code bench-RUN-TAG-…} of the X.509 group, each with its certificate and an ECDSA P-256 CSR made before
     * the phase, so the storm only sends bytes.
     */
    private IntFunction<Job> csrJobs(X509Devices devices, TlsClient x509Tls, String tag, int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = deviceId(tag, i);
        }
        long t0 = System.nanoTime();
        err.printf(Locale.ROOT, "Making %,d device certificates and CSRs …%n", n);
        devices.issue(ids);
        String[] csrs = CsrRegistrations.requests(ids);
        err.printf(Locale.ROOT, "made in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        HttpsJob[] jobs = new HttpsJob[n];
        for (int i = 0; i < n; i++) {
            jobs[i] = new HttpsJob(x509Tls, https, sniName, CsrRegistrations.registration(host, scope, ids[i], csrs[i]),
                    ids[i]);
        }
        return i -> jobs[i];
    }

    /** Puts the group back on the default policy, then removes the phase's policy and CA (the key stays in the token). */
    private void removeHsmCa(String ca, String groupId, ObjectNode group) {
        for (String[] call : new String[][] {{"PUT", "/enrollmentgroups/" + ApiClient.enc(groupId)},
                {"DELETE", "/certificatePolicies/" + ca}, {"DELETE", "/issuingCas/" + ca}}) {
            try {
                api.call(call[0], call[1], call[0].equals("PUT") ? group : null,
                        call[0].equals("PUT") ? Map.of("If-Match", "*") : Map.of());
            } catch (RuntimeException e) {
                err.println("could not " + call[0] + " " + call[1] + ": " + e.getMessage());
            }
        }
    }

    private IntFunction<Job> x509Jobs(TlsClient client, String[] ids) {
        HttpsJob[] jobs = new HttpsJob[ids.length];
        for (int i = 0; i < ids.length; i++) {
            jobs[i] = new HttpsJob(client, https, sniName,
                    DpsHttp.registration(host, scope, ids[i], null, DpsHttp.Assignments.NONE), ids[i]);
        }
        return i -> jobs[i];
    }

    /** nginx with Muster's server certificate and key, or null (said in the report) when either is missing. */
    private record NginxSite(Path binary, Path certificate, Path key) {}

    private NginxSite nginxSite(Report report) throws InterruptedException {
        Path binary = Nginx.find(nginxBinary);
        if (binary == null && nginxBinary == null) {
            binary = Nginx.install(err);
        }
        if (binary == null) {
            report.note("nginx ceiling skipped: no nginx found (apt-get install -y nginx-light, or --nginx PATH).");
            return null;
        }
        Path tlsDir = target.dataDir().resolve("tls");
        Path cert = tlsDir.resolve("server.pem");
        Path key = tlsDir.resolve("server-key.pem");
        if (!Files.isReadable(cert) || !Files.isReadable(key)) {
            report.note("nginx ceiling skipped: Muster's server certificate is not readable in " + tlsDir
                    + " (run the benchmark on the server's machine with --data-dir).");
            return null;
        }
        return new NginxSite(binary, cert, key);
    }

    private PhaseResult nginxPhase(int n, int warm, Report report) throws Exception {
        NginxSite site = nginxSite(report);
        if (site == null) {
            return null;
        }
        Path binary = site.binary();
        Path cert = site.certificate();
        try (Nginx nginx = Nginx.start(binary, cert, site.key(), 0, nginxWorkers, FrontDoor.HEALTH_BODY)) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), nginx.port());
            report.context("ceiling", "nginx " + binary + " on 127.0.0.1:" + nginx.port() + " with " + cert
                    + " (ECDSA P-256), " + (nginxWorkers > 0 ? nginxWorkers : Runtime.getRuntime().availableProcessors())
                    + " workers, body " + FrontDoor.HEALTH_BODY);
            runner.closed("warmup-nginx", "warm-up nginx", warm, concurrency, staticJobs(address), null);
            long pid = nginx.pid();
            return runner.closed("nginx", "nginx static JSON (ceiling)", n, concurrency, staticJobs(address),
                    () -> procCpu(pid));
        }
    }

    /**
     * The fair ceiling for the X.509 storm: nginx verifying each device's client certificate against the same root,
     * driven by the same client (same device certificates, one fresh handshake per device, same concurrency).
     */
    private PhaseResult nginxMtlsPhase(X509Devices devices, TlsClient x509Tls, String[] ids, String[] warmIds,
                                       Report report) throws Exception {
        NginxSite site = nginxSite(report);
        if (site == null) {
            return null;
        }
        Path dir = Files.createTempDirectory("muster-bench-devices-");
        Path root = dir.resolve("devices-root.pem");
        Files.writeString(root, devices.rootPem());
        try (Nginx nginx = Nginx.start(site.binary(), site.certificate(), site.key(), 0, nginxWorkers,
                FrontDoor.HEALTH_BODY, root)) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), nginx.port());
            byte[] request = DpsHttp.get("localhost:" + nginx.port(), "/health");
            runner.closed("warmup-nginx-mtls", "warm-up nginx verifying clients", warmIds.length, concurrency,
                    i -> new HttpsJob(x509Tls, address, sniName, DpsHttp.staticGet(request), warmIds[i]), null);
            long pid = nginx.pid();
            return runner.closed("nginx-mtls", "nginx verifying client certificates (X.509 ceiling)", ids.length,
                    concurrency, i -> new HttpsJob(x509Tls, address, sniName, DpsHttp.staticGet(request), ids[i]),
                    () -> procCpu(pid));
        } finally {
            Files.deleteIfExists(root);
            Files.deleteIfExists(dir);
        }
    }

    private static double procCpu(long pid) {
        return dev.muster.cli.bench.ProcStat.cpuSecondsWithChildren(pid);
    }

    private IntFunction<Job> staticJobs(InetSocketAddress address) {
        byte[] request = DpsHttp.get(address.equals(https) ? host : "localhost:" + address.getPort(), "/health");
        HttpsJob job = new HttpsJob(tls, address, sniName, DpsHttp.staticGet(request));
        return i -> job;
    }

    /** Group devices {@code bench-RUN-TAG-000123}, tokens computed before the phase so the storm only sends bytes. */
    private IntFunction<Job> httpsGroupJobs(String groupId, String groupKey, String tag, int count,
                                            DpsHttp.Assignments assignments) {
        long expiry = Instant.now().getEpochSecond() + 3600;
        HttpsJob[] jobs = new HttpsJob[count];
        for (int i = 0; i < count; i++) {
            String id = deviceId(tag, i);
            String token = DeviceSas.token(scope, id, DeviceSas.derivedKey(groupKey, id), expiry);
            jobs[i] = new HttpsJob(tls, https, sniName, DpsHttp.registration(host, scope, id, token, assignments));
        }
        return i -> jobs[i];
    }

    private IntFunction<Job> mqttGroupJobs(String groupKey, String tag, int count, DpsHttp.Assignments assignments) {
        long expiry = Instant.now().getEpochSecond() + 3600;
        MqttJob[] jobs = new MqttJob[count];
        for (int i = 0; i < count; i++) {
            String id = deviceId(tag, i);
            String token = DeviceSas.token(scope, id, DeviceSas.derivedKey(groupKey, id), expiry);
            jobs[i] = new MqttJob(tls, mqtt, sniName, scope, id, token, assignments);
        }
        return i -> jobs[i];
    }

    private String deviceId(String tag, int i) {
        return String.format(Locale.ROOT, "bench-%s-%s-%06d", run, tag, i);
    }

    private double serverCpu() {
        ServerProbe.Sample s = probe.sample();
        return s == null ? Double.NaN : s.cpuSeconds();
    }

    private String firstHubConnectionString() {
        JsonNode hubs = target.local() ? target.connectionInfo().path("hubs") : null;
        if (hubs == null || hubs.isEmpty()) {
            err.println("note: no built-in hub in connection-info.json; skipping the hub workloads.");
            return null;
        }
        return hubs.get(0).path("connectionString").asText();
    }

    // ---- enrollment count comparison ------------------------------------------------------------------------

    /**
     * Registration throughput of individual-enrollment devices with each requested number of enrollments in the
     * store. Every round registers {@code scalingDevices} devices drawn at random from all loaded enrollments, then
     * deletes their registration records and hub devices, so every round does the same first-registration work.
     */
    private void scaling(Report report) throws Exception {
        ArrayNode rows = report.json().putArray("enrollmentScaling");
        List<double[]> means = new ArrayList<>();
        for (int count : enrollmentCounts.stream().sorted().toList()) {
            BenchKeys keys = ensureEnrollments(count);
            int loaded = keys.loaded;
            if (loaded > count) {
                report.note(String.format(Locale.ROOT, "Enrollment comparison: %,d bench enrollments were already loaded,"
                        + " more than %,d; that row ran with %,d (start from a fresh data folder or use"
                        + " --delete-enrollments for a clean comparison).", loaded, count, loaded));
            }
            int d = Math.min(scalingDevices, loaded);
            settle();
            List<Double> rates = new ArrayList<>();
            PhaseResult last = null;
            // Round 0 is not counted: it warms the code paths and the store's cache for this table size.
            for (int round = 0; round <= scalingRounds; round++) {
                int[] picks = pick(loaded, d, new Random(round * 31L + count));
                Map<String, String[]> assigned = new ConcurrentHashMap<>();
                long expiry = Instant.now().getEpochSecond() + 3600;
                HttpsJob[] jobs = new HttpsJob[d];
                for (int i = 0; i < d; i++) {
                    String id = EnrollmentLoader.id(picks[i]);
                    String token = DeviceSas.token(scope, id, EnrollmentLoader.primaryKey(keys.masterKey, id), expiry);
                    jobs[i] = new HttpsJob(tls, https, sniName, DpsHttp.registration(host, scope, id, token,
                            (rid, hub, dev) -> assigned.put(rid, new String[] {hub, dev})));
                }
                last = runner.closed("scaling-" + count, String.format(Locale.ROOT, "%,d enrollments, round %d", loaded,
                        round), d, concurrency, i -> jobs[i], this::serverCpu);
                if (round == 0) {
                    unregister(assigned);
                    continue;
                }
                rates.add(last.rate());
                ObjectNode row = rows.addObject().put("enrollments", loaded).put("round", round)
                        .put("devices", d).put("ok", last.ok()).put("errors", last.errors())
                        .put("perSecond", Math.round(last.rate() * 10) / 10.0)
                        .put("p50Ms", last.latency().p50()).put("p99Ms", last.latency().p99());
                if (!last.errorsByKind().isEmpty()) {
                    row.putPOJO("errorsByKind", last.errorsByKind());
                }
                unregister(assigned);
            }
            double median = median(rates);
            means.add(new double[] {loaded, median});
            report.note(String.format(Locale.ROOT, "Individual enrollments: %,d loaded → %,.0f registrations/s (median of"
                    + " %d rounds of %,d after one uncounted round: %s)", loaded, median, rates.size(), d, rates.stream()
                    .map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList()));
        }
        if (means.size() >= 2) {
            double[] small = means.get(0);
            double[] large = means.get(means.size() - 1);
            double ratio = small[1] > 0 ? large[1] / small[1] : 0;
            enrollmentScaling = ratio;
            enrollmentScalingMeasured = String.format(Locale.ROOT, "%.2f (%,.0f/s with %,.0f ÷ %,.0f/s with %,.0f)",
                    ratio, large[1], large[0], small[1], small[0]);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Waits (at most two minutes) until the server is nearly idle: after a million inserts H2 keeps writing and
     * compacting in the background for a while, and measuring then would measure that, not the look-ups.
     */
    private void settle() throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        ServerProbe.Sample a = probe.sample();
        while (a != null && System.nanoTime() < deadline) {
            Thread.sleep(3000);
            ServerProbe.Sample b = probe.sample();
            if (b == null || (b.cpuSeconds() - a.cpuSeconds()) / ((b.atNanos() - a.atNanos()) / 1e9) < 0.15) {
                return;
            }
            a = b;
        }
    }

    /** Distinct random picks from [0, bound). */
    static int[] pick(int bound, int count, Random random) {
        int[] all = new int[bound];
        for (int i = 0; i < bound; i++) {
            all[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(bound - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, count);
    }

    /** The master key and loaded count of the bench-ind-* enrollments, kept in the tags of a disabled marker. */
    private record BenchKeys(String masterKey, int loaded) {}

    private BenchKeys readKeys() {
        try {
            JsonNode m = api.call("GET", "/enrollments/" + EnrollmentLoader.MARKER, null, Map.of()).body();
            JsonNode tags = m.path("initialTwin").path("tags").path("musterBench");
            return new BenchKeys(tags.path("masterKey").asText(), tags.path("loaded").asInt());
        } catch (ApiClient.ApiError e) {
            if (e.exitCode == 4) {
                return null;
            }
            throw e;
        }
    }

    private void writeKeys(BenchKeys keys) {
        ObjectNode doc = Json.object().put("registrationId", EnrollmentLoader.MARKER);
        doc.putObject("attestation").put("type", "symmetricKey").putObject("symmetricKey");
        doc.put("provisioningStatus", "disabled");
        doc.putObject("initialTwin").putObject("tags").putObject("musterBench")
                .put("masterKey", keys.masterKey).put("loaded", keys.loaded)
                .put("note", "keys of the bench-ind-* enrollments of ./muster bench; remove with --delete-enrollments");
        api.call("PUT", "/enrollments/" + EnrollmentLoader.MARKER, doc, Map.of());
    }

    private BenchKeys ensureEnrollments(int count) throws Exception {
        BenchKeys keys = readKeys();
        if (keys == null) {
            keys = new BenchKeys(Base64.getEncoder().encodeToString(randomBytes(32)), 0);
            writeKeys(keys);
        }
        if (keys.loaded >= count) {
            return keys;
        }
        String master = keys.masterKey;
        String auth = serviceToken();
        long t0 = System.nanoTime();
        try (PipelinedClient client = new PipelinedClient(tls, https, sniName, 4, 32)) {
            long failed = EnrollmentLoader.run(client, keys.loaded, count, i -> {
                String id = EnrollmentLoader.id(i);
                return new String[] {"PUT", host, "/enrollments/" + id + "?api-version=2021-10-01", auth,
                        EnrollmentLoader.document(master, id)};
            }, String.format(Locale.ROOT, "loading %,d enrollments", count - keys.loaded), err, terminal, 200, 299, -1);
            if (failed > 0) {
                throw new IllegalStateException(failed + " enrollments could not be loaded; see above.");
            }
        }
        err.printf(Locale.ROOT, "loaded %,d individual enrollments in %.0f s%n", count - keys.loaded,
                (System.nanoTime() - t0) / 1e9);
        BenchKeys now = new BenchKeys(master, count);
        writeKeys(now);
        return now;
    }

    private int deleteBenchEnrollments() throws Exception {
        BenchKeys keys = readKeys();
        if (keys == null) {
            err.println("No bench-ind-* enrollments (no " + EnrollmentLoader.MARKER + " marker).");
            return 0;
        }
        String auth = serviceToken();
        try (PipelinedClient client = new PipelinedClient(tls, https, sniName, 4, 32)) {
            EnrollmentLoader.run(client, 0, keys.loaded, i -> new String[] {"DELETE", host,
                    "/enrollments/" + EnrollmentLoader.id(i) + "?api-version=2021-10-01", auth, null},
                    String.format(Locale.ROOT, "deleting %,d enrollments", keys.loaded), err, terminal, 200, 299, 404);
        }
        api.call("DELETE", "/enrollments/" + EnrollmentLoader.MARKER, null, Map.of());
        err.printf(Locale.ROOT, "Deleted %,d bench enrollments (their registration records went with them; hub devices"
                + " stay).%n", keys.loaded);
        return 0;
    }

    /** Deletes the registration records and hub devices of one scaling round, so the next round starts fresh. */
    private void unregister(Map<String, String[]> assigned) throws Exception {
        String auth = serviceToken();
        List<String> ids = new ArrayList<>(assigned.keySet());
        try (PipelinedClient client = new PipelinedClient(tls, https, sniName, 2, 32)) {
            EnrollmentLoader.run(client, 0, ids.size(), i -> new String[] {"DELETE", host,
                    "/registrations/" + ApiClient.enc(ids.get(i)) + "?api-version=2021-10-01", auth, null},
                    "clean-up: records", err, terminal, 200, 299, 404);
        }
        Map<String, List<String>> byHub = new HashMap<>();
        assigned.forEach((id, hd) -> byHub.computeIfAbsent(hd[0], h -> new ArrayList<>()).add(hd[1]));
        for (Map.Entry<String, List<String>> e : byHub.entrySet()) {
            String hubCs = hubConnectionString(e.getKey());
            if (hubCs == null) {
                continue; // a linked hub that is not one of this server's own: its devices stay
            }
            ConnectionString cs = ConnectionString.parse(hubCs);
            String token = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 3600);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(cs.hostName()), https.getPort());
            List<String> devs = e.getValue();
            try (PipelinedClient client = new PipelinedClient(tls, address, cs.hostName(), 2, 32)) {
                EnrollmentLoader.run(client, 0, devs.size(), i -> new String[] {"DELETE", cs.hostName(),
                        "/devices/" + ApiClient.enc(devs.get(i)) + "?api-version=2021-04-12", token, null},
                        "clean-up: hub devices", err, terminal, 200, 299, 404);
            }
        }
    }

    private String hubConnectionString(String hubHost) {
        if (!target.local()) {
            return null;
        }
        for (JsonNode h : target.connectionInfo().path("hubs")) {
            if (h.path("hostName").asText().equalsIgnoreCase(hubHost)) {
                return h.path("connectionString").asText();
            }
        }
        return null;
    }

    // ---- verification and targets ---------------------------------------------------------------------------

    /**
     * Full work, checked from outside: the group's registration records counted through the service API, and a
     * sample of devices read back from their hub with the initial twin the group gave them.
     */
    private void verify(Report report, String groupId, int registered, List<String> sample) {
        ObjectNode v = report.json().putObject("verification");
        int records = 0;
        String continuation = null;
        do {
            Map<String, String> headers = new HashMap<>();
            headers.put("x-ms-max-item-count", "1000");
            if (continuation != null) {
                headers.put("x-ms-continuation", continuation);
            }
            ApiClient.Reply reply = api.call("POST", "/registrations/" + ApiClient.enc(groupId) + "/query",
                    Json.object().put("query", "*"), headers);
            records += reply.body() == null ? 0 : reply.body().size();
            continuation = reply.header("x-ms-continuation");
        } while (continuation != null);
        v.put("registrationRecords", records).put("devicesAssigned", registered);
        int twinsOk = 0;
        int twinsChecked = 0;
        for (String hd : sample) {
            int slash = hd.indexOf('/');
            String hubCs = hubConnectionString(hd.substring(0, slash));
            if (hubCs == null) {
                continue;
            }
            twinsChecked++;
            if (twinHasInitialState(hubCs, hd.substring(slash + 1))) {
                twinsOk++;
            }
        }
        v.put("twinsChecked", twinsChecked).put("twinsWithInitialState", twinsOk);
        report.note(String.format(Locale.ROOT, "Verified: %,d registration records in the store for %,d assigned devices;"
                + " %d/%d sampled hub devices carry the group's initial twin.", records, registered, twinsOk, twinsChecked));
    }

    private boolean twinHasInitialState(String hubConnectionString, String deviceId) {
        try {
            ConnectionString cs = ConnectionString.parse(hubConnectionString);
            ApiClient hub = new ApiClient(cs, https.getPort(), target.ssl());
            JsonNode twin = hub.call("GET", "/twins/" + ApiClient.enc(deviceId), null, Map.of()).body();
            return twin.path("tags").path("benchRun").asText().equals(run)
                    && twin.path("properties").path("desired").path("telemetryInterval").asInt() == 30;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Database bytes per device registered by this run: the growth of {@code muster_store_size_bytes} (registration
     * records, operations, hub devices and twins, claims, indexes) over the devices. Read before the group is deleted;
     * the server reads the size at most every 5 s and shows it from the next scrape on, so this waits 8 s for a read
     * made after the last write.
     */
    private void measureStoreGrowth(int devicesRegistered) throws InterruptedException {
        if (Double.isNaN(storeBytesAtStart) || devicesRegistered <= 0) {
            return;
        }
        Thread.sleep(8000);
        ServerProbe.Sample s = probe.sample();
        if (s == null || Double.isNaN(s.storeBytes())) {
            return;
        }
        double growth = s.storeBytes() - storeBytesAtStart;
        storeBytesPerDevice = growth / devicesRegistered;
        storeBytesMeasured = String.format(Locale.ROOT, "%,.0f B (%s ÷ %,d devices)", storeBytesPerDevice,
                Report.mb(growth), devicesRegistered);
    }

    /**
     * The server's {@code muster_store_size_bytes}, NaN when it has none: the server reads the size off the scrape, so
     * the first scrape may only start the read and the next one (a second later) shows it.
     */
    private double storeBytesNow() throws InterruptedException {
        for (int attempt = 0; attempt < 4; attempt++) {
            ServerProbe.Sample s = probe.sample();
            if (s == null) {
                return Double.NaN;
            }
            if (!Double.isNaN(s.storeBytes())) {
                return s.storeBytes();
            }
            Thread.sleep(1000);
        }
        return Double.NaN;
    }

    /** Every target of {@link Targets#ALL}, judged from this run's phases or said to be not measured. */
    private void judge(Report report, Map<String, PhaseResult> byKey, ServerProbe.Sample end) {
        PhaseResult nginx = byKey.get("nginx");
        PhaseResult mtls = byKey.get("nginx-mtls");
        PhaseResult st = byKey.get("muster-static");
        PhaseResult half = byKey.get("half-rate");
        ObjectNode ratios = report.json().putObject("ratios");
        ratio(report, ratios, Targets.HTTPS_TO_NGINX, "httpsRegistrationsToNginx", byKey.get("https"), nginx,
                skipNginx ? "--skip-nginx" : "no HTTPS phase or no nginx");
        ratio(report, ratios, Targets.MQTT_TO_NGINX, "mqttRegistrationsToNginx", byKey.get("mqtt"), nginx,
                skipNginx ? "--skip-nginx" : "no MQTT phase or no nginx");
        ratio(report, ratios, Targets.X509_TO_NGINX_MTLS, "x509RegistrationsToNginxVerifyingClients", byKey.get("x509"),
                mtls, skipX509 ? "--skip-x509" : skipNginx ? "--skip-nginx" : "no X.509 phase or no nginx");
        PhaseResult x = byKey.get("x509");
        if (x != null && nginx != null && nginx.rate() > 0) {
            ratios.put("x509RegistrationsToNginx", round3(x.rate() / nginx.rate()));
        }
        if (st != null && nginx != null && nginx.rate() > 0) {
            ratios.put("musterStaticToNginx", round3(st.rate() / nginx.rate()));
        }
        PhaseResult c = byKey.get("issuance");
        if (c != null && x != null && x.rate() > 0) {
            ratios.put("issuanceToX509Registrations", round3(c.rate() / x.rate()));
        }
        if (half == null) {
            report.check(Targets.HALF_RATE_P99.notMeasured("--skip-half-rate or no peak phase"));
        } else {
            double p99 = half.latency().count() > 0 && half.errors() == 0 ? half.latency().p99() : Double.NaN;
            report.check(Targets.HALF_RATE_P99.check(String.format(Locale.ROOT, "%s ms (%d errors)",
                    Report.ms(half.latency().p99()), half.errors()), half.errors() > 0 ? Double.POSITIVE_INFINITY : p99));
        }
        ObjectNode server = report.json().putObject("server");
        double maxHeap = probe.maxHeapUsed();
        double maxRss = probe.maxRss();
        if (end != null) {
            server.put("heapUsedEndBytes", end.heapUsed()).put("heapCommittedEndBytes", end.heapCommitted())
                    .put("liveAfterGcEndBytes", end.liveAfterGc()).put("rssEndBytes", end.rss())
                    .put("cpuSecondsTotal", end.cpuSeconds());
        }
        server.put("heapUsedMaxBytes", maxHeap).put("heapCommittedMaxBytes", probe.maxHeapCommitted())
                .put("rssMaxBytes", maxRss);
        report.check(Double.isNaN(maxRss) ? Targets.RSS.notMeasured("the server's /metrics has no RSS")
                : Targets.RSS.check(Report.mb(maxRss), maxRss));
        if (storeBytesMeasured != null) {
            server.put("storeBytesPerDevice", Math.round(storeBytesPerDevice));
            report.check(Targets.STORE_BYTES_PER_DEVICE.check(storeBytesMeasured, storeBytesPerDevice));
        } else {
            report.check(Targets.STORE_BYTES_PER_DEVICE.notMeasured("no muster_store_size_bytes on /metrics"));
        }
        report.check(warmUpSettled == null ? Targets.WARM_UP_SETTLED.notMeasured("no warm-up")
                : Targets.WARM_UP_SETTLED.check(warmUpSettled ? "yes" : "no: ended by its time budget",
                warmUpSettled ? 1 : 0));
        report.check(Double.isNaN(enrollmentScaling)
                ? Targets.ENROLLMENT_SCALING.notMeasured("--enrollments 1000,1000000")
                : Targets.ENROLLMENT_SCALING.check(enrollmentScalingMeasured, enrollmentScaling));
        report.check(Targets.REGISTERED_MILLION_P99.notMeasured("no phase yet; see docs/benchmarks.md"));
        report.check(Targets.POSTGRES_TO_H2.notMeasured("run once against each store; see docs/benchmarks.md"));
        if (end != null) {
            report.note(String.format(Locale.ROOT, "Server at the end: heap used %s (committed %s, max committed %s,"
                            + " live after last GC %s, max used %s), RSS %s (max %s), CPU %.0f s since start.",
                    Report.mb(end.heapUsed()), Report.mb(end.heapCommitted()), Report.mb(probe.maxHeapCommitted()),
                    Report.mb(end.liveAfterGc()), Report.mb(maxHeap), Report.mb(end.rss()), Report.mb(maxRss),
                    end.cpuSeconds()));
        }
    }

    private static void ratio(Report report, ObjectNode ratios, Targets.Target t, String jsonName, PhaseResult phase,
                              PhaseResult ceiling, String whyNot) {
        if (phase == null || ceiling == null || ceiling.rate() <= 0) {
            report.check(t.notMeasured(whyNot));
            return;
        }
        double r = phase.rate() / ceiling.rate();
        ratios.put(jsonName, round3(r));
        report.check(t.check(String.format(Locale.ROOT, "%.2f (%,.0f ÷ %,.0f)", r, phase.rate(), ceiling.rate()), r));
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private void resolveTarget() throws Exception {
        service = target.service();
        api = ApiClient.of(target);
        boolean local = target.local();
        scope = idScope != null ? idScope : local ? target.connectionInfo().path("idScope").asText(null) : null;
        String endpoint = globalEndpoint != null ? globalEndpoint
                : local ? target.connectionInfo().path("globalEndpoint").asText(null) : null;
        if (scope == null || endpoint == null) {
            throw new UsageError("--id-scope and --global-endpoint are needed without a local connection-info.json.");
        }
        int port = target.httpsPort();
        String name = endpoint;
        int colon = endpoint.lastIndexOf(':');
        if (colon > 0 && endpoint.indexOf(':') == colon) {
            name = endpoint.substring(0, colon);
            port = Integer.parseInt(endpoint.substring(colon + 1));
        }
        host = port == 443 ? name : name + ":" + port;
        sniName = name;
        // One resolution for the whole run: the storm measures TLS and registration, not the resolver.
        InetAddress address = InetAddress.getByName(name);
        https = new InetSocketAddress(address, port);
        int mp = mqttPort != null ? mqttPort
                : local ? target.connectionInfo().path("ports").path("mqtt").asInt(8883) : 8883;
        mqtt = new InetSocketAddress(address, mp);
    }

    /** --metrics, else what connection-info.json says (null there: the server runs without), else the default. */
    private URI metricsUri() {
        if (metrics != null) {
            return metrics;
        }
        String fromInfo = target.local() ? target.connectionInfo().path("metrics").asText(null) : null;
        return URI.create(fromInfo != null ? fromInfo
                : "http://127.0.0.1:" + ServerConfig.DEFAULT_METRICS_PORT + MetricsEndpoint.PATH);
    }

    private void createGroup(String groupId, String groupKey) {
        ObjectNode doc = Json.object().put("enrollmentGroupId", groupId);
        doc.putObject("attestation").put("type", "symmetricKey").putObject("symmetricKey")
                .put("primaryKey", groupKey).put("secondaryKey", Base64.getEncoder().encodeToString(randomBytes(32)));
        doc.put("provisioningStatus", "enabled");
        ObjectNode twin = doc.putObject("initialTwin");
        twin.putObject("tags").put("benchRun", run);
        twin.putObject("properties").putObject("desired").put("telemetryInterval", 30);
        api.call("PUT", "/enrollmentgroups/" + ApiClient.enc(groupId), doc, Map.of());
    }

    private String serviceToken() {
        return SasSigner.sign(service.hostName(), service.key(), service.keyName(), Instant.now().getEpochSecond() + 7200);
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** Cores, CPU model, memory and kernel, for the report's header. */
    static final class MachineInfo {
        private MachineInfo() {}

        static String describe() {
            String model = "unknown CPU";
            String mem = "";
            try {
                for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (l.startsWith("model name")) {
                        model = l.substring(l.indexOf(':') + 1).strip();
                        break;
                    }
                }
                for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (l.startsWith("MemTotal:")) {
                        long kb = Long.parseLong(l.replaceAll("\\D", ""));
                        mem = String.format(Locale.ROOT, ", %.1f GiB", kb / 1024.0 / 1024.0);
                        break;
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not Linux: cores and OS only
            }
            return Runtime.getRuntime().availableProcessors() + " cores (" + model + ")" + mem + ", "
                    + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                    + System.getProperty("java.version");
        }
    }
}
