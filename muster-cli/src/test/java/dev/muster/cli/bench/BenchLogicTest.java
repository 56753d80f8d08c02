package dev.muster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's own arithmetic and formatting; no server, no sockets. */
class BenchLogicTest {

    @Test
    void percentilesUseNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1_000_000L; // 100 ms … 1 ms, unsorted
        }
        Percentiles p = Percentiles.of(nanos);
        assertThat(p.count()).isEqualTo(100);
        assertThat(p.p50()).isEqualTo(50.0);
        assertThat(p.p95()).isEqualTo(95.0);
        assertThat(p.p99()).isEqualTo(99.0);
        assertThat(p.max()).isEqualTo(100.0);
        assertThat(p.mean()).isEqualTo(50.5);
    }

    @Test
    void percentilesOfOneAndOfNone() {
        Percentiles one = Percentiles.of(new long[] {7_000_000L});
        assertThat(one.p50()).isEqualTo(7.0);
        assertThat(one.p99()).isEqualTo(7.0);
        assertThat(Percentiles.of(new long[0]).count()).isZero();
        assertThat(Percentiles.of(new long[0]).p99()).isNaN();
    }

    @Test
    void recorderCountsErrorsByKindAndKeepsLatencies() {
        Recorder r = new Recorder(3);
        r.success(2_000_000);
        r.success(1_000_000);
        r.error("HTTP 401 401002");
        r.error("HTTP 401 401002");
        r.error("timeout");
        assertThat(r.successes()).isEqualTo(2);
        assertThat(r.failures()).isEqualTo(3);
        assertThat(r.done()).isEqualTo(5);
        assertThat(r.errorsByKind()).containsExactly(Map.entry("HTTP 401 401002", 2L), Map.entry("timeout", 1L));
        assertThat(r.latency().max()).isEqualTo(2.0);
    }

    @Test
    void tableAlignsColumnsAndShowsMissingValuesAsDashes() {
        Percentiles lat = Percentiles.of(new long[] {10_000_000L, 20_000_000L, 300_000_000L});
        PhaseResult nginx = new PhaseResult("nginx", "nginx static JSON (ceiling)", 3, 64, Double.NaN, 3, 0, Map.of(),
                0.002, lat, Percentiles.EMPTY, 0.5, 0.25, 0.99);
        PhaseResult https = new PhaseResult("https", "Muster HTTPS registration", 3, 64, Double.NaN, 2, 1,
                Map.of("timeout", 1L), 0.004, lat, lat, Double.NaN, 0.5, 1.0);
        String table = Report.table(List.of(nginx, https));
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).startsWith("phase").contains("per s").contains("p99 ms").endsWith("machine");
        assertThat(lines.get(1)).startsWith("nginx static JSON (ceiling)").contains("1,500").contains("300").endsWith("99%");
        assertThat(lines.get(2)).contains("500").contains("  -  ").endsWith("100%");
        // Every row is as wide as the header: the columns line up.
        assertThat(lines.get(1).length()).isEqualTo(lines.get(0).length());
        assertThat(lines.get(2).length()).isEqualTo(lines.get(0).length());
    }

    @Test
    void reportJsonCarriesPhasesTargetsAndNullForUnmeasured() {
        Percentiles lat = Percentiles.of(new long[] {1_000_000L});
        Report report = new Report().context("machine", "2 cores")
                .phase(new PhaseResult("https", "Muster HTTPS registration", 1, 8, Double.NaN, 1, 0, Map.of(), 0.5, lat,
                        Percentiles.EMPTY, Double.NaN, 0.1, 0.2))
                .check(new Report.Check("https-ratio", "ratio", "0.61", "≥ 0.50", true))
                .check(new Report.Check("x509-ratio", "X.509", "not measured", "≥ 0.35", null));
        JsonNode json = report.toJson();
        assertThat(json.at("/context/machine").asText()).isEqualTo("2 cores");
        assertThat(json.at("/phases/0/perSecond").asDouble()).isEqualTo(2.0);
        assertThat(json.at("/phases/0/latencyMs/p99").asDouble()).isEqualTo(1.0);
        assertThat(json.at("/phases/0/serverCores").isNull()).isTrue();
        assertThat(json.at("/phases/0/tlsHandshakeMs/p50").isNull()).isTrue();
        assertThat(json.at("/targets/0/met").asBoolean()).isTrue();
        assertThat(json.at("/targets/1/met").isNull()).isTrue();
        assertThat(report.text()).contains("Targets").contains(" ok  ratio").contains("  ?  X.509");
    }

    @Test
    void progressLineShowsBarCountRateAndErrors() {
        String line = Progress.line("Muster HTTPS registration", 500, 2000, 3, 2.0, 20);
        assertThat(line).contains("[#####...............]").contains("500/2,000").contains("250/s").contains("errors 3");
    }

    @Test
    void prometheusTextSumsMatchingSeriesOnly() {
        String text = String.join("\n",
                "# HELP jvm_memory_used_bytes The amount of used memory",
                "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 2.0E7",
                "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 1.0E7",
                "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 4.0E7",
                "jvm_memory_used_bytes_other 9",
                "process_cpu_time_ns_total 7.9E9",
                "");
        assertThat(PromText.sum(text, "jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(3.0E7);
        assertThat(PromText.sum(text, "jvm_memory_used_bytes", null)).isEqualTo(7.0E7);
        assertThat(PromText.sum(text, "process_cpu_time_ns_total", null)).isEqualTo(7.9E9);
        assertThat(PromText.sum(text, "process_resident_memory_bytes", null)).isNaN();
    }

    @Test
    void registrationRequestIsOneHttp11MessageWithItsBody() {
        String r = new String(DpsHttp.register("localhost:9443", "0ne00ABCDEF", "dev 1", "SharedAccessSignature x"),
                StandardCharsets.UTF_8);
        assertThat(r).startsWith("PUT /0ne00ABCDEF/registrations/dev%201/register?api-version=2021-06-01 HTTP/1.1\r\n")
                .contains("\r\nHost: localhost:9443\r\n").contains("\r\nConnection: close\r\n")
                .contains("\r\nAuthorization: SharedAccessSignature x\r\n")
                .contains("\r\nContent-Length: 26\r\n").endsWith("\r\n\r\n{\"registrationId\":\"dev 1\"}");
        String keepAlive = new String(DpsHttp.request("DELETE", "h", "/x", null, null, false), StandardCharsets.UTF_8);
        assertThat(keepAlive).doesNotContain("Connection").doesNotContain("Content-Length").endsWith("\r\n\r\n");
    }

    @Test
    void retryAfterIsReadFromHeaderAndTopic() {
        assertThat(DpsHttp.retryAfterMillis("3")).isEqualTo(3000);
        assertThat(DpsHttp.retryAfterMillis(null)).isEqualTo(2000);
        assertThat(DpsHttp.retryAfterMillis("soon")).isEqualTo(2000);
        assertThat(DpsMqttTopics.retryAfter("$dps/registrations/res/202/?$rid=1&retry-after=3")).isEqualTo("3");
        assertThat(DpsMqttTopics.retryAfter("$dps/registrations/res/200/?$rid=1")).isNull();
    }

    @Test
    void benchEnrollmentKeysAreDerivedFromTheMasterKey() {
        String master = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(EnrollmentLoader.id(42)).isEqualTo("bench-ind-0000042");
        String doc = EnrollmentLoader.document(master, "bench-ind-0000042");
        assertThat(doc).contains("\"primaryKey\":\"" + EnrollmentLoader.primaryKey(master, "bench-ind-0000042") + "\"")
                .contains("\"registrationId\":\"bench-ind-0000042\"");
        assertThat(EnrollmentLoader.primaryKey(master, "bench-ind-0000042"))
                .isEqualTo(DeviceSas.derivedKey(master, "bench-ind-0000042"))
                .isNotEqualTo(EnrollmentLoader.secondaryKey(master, "bench-ind-0000042"));
    }

    @Test
    void nginxConfigServesTheFixedBodyOverTlsInTheForeground() {
        String conf = Nginx.config(Path.of("/tmp/x"), Path.of("/d/tls/server.pem"), Path.of("/d/tls/server-key.pem"), 12345,
                0, "{\"status\":\"up\"}", null);
        assertThat(conf).doesNotContain("ssl_verify_client");
        assertThat(conf).contains("daemon off;").contains("worker_processes auto;")
                .contains("listen 127.0.0.1:12345 ssl;").contains("ssl_certificate /d/tls/server.pem;")
                .contains("ssl_certificate_key /d/tls/server-key.pem;").contains("return 200 '{\"status\":\"up\"}';")
                .contains("access_log off;");
    }

    @Test
    void theX509CeilingsNginxAsksForAndVerifiesAClientCertificate() {
        String conf = Nginx.config(Path.of("/tmp/x"), Path.of("/d/tls/server.pem"), Path.of("/d/tls/server-key.pem"), 12345,
                0, "{}", Path.of("/tmp/x/devices-root.pem"));
        assertThat(conf).contains("ssl_client_certificate /tmp/x/devices-root.pem;").contains("ssl_verify_client on;")
                .contains("ssl_verify_depth 2;");
    }

    @Test
    void everyTargetIsJudgedFromItsValueAndNothingMeasuredIsNotAPass() {
        assertThat(Targets.HTTPS_TO_NGINX.check("0.95", 0.95).pass()).isTrue();
        assertThat(Targets.HTTPS_TO_NGINX.check("0.85", 0.85).pass()).isFalse();
        assertThat(Targets.HALF_RATE_P99.check("49 ms", 49).pass()).isTrue();
        assertThat(Targets.RSS.check("401 MiB", 401.0 * 1024 * 1024).pass()).isFalse();
        assertThat(Targets.STORE_BYTES_PER_DEVICE.check("?", Double.NaN).pass()).isNull();
        assertThat(Targets.POSTGRES_TO_H2.notMeasured("run it against PostgreSQL").pass()).isNull();
        assertThat(Targets.ALL).extracting(Targets.Target::key).doesNotHaveDuplicates();
    }
}
