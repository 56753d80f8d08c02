package dev.muster.cli.bench;

import java.util.List;
import java.util.function.DoublePredicate;

/**
 * The scale targets the benchmark judges (issue 20, "Scale and cost"), as data: each has a key scripts read in the JSON
 * report, what it compares, the bound as people read it, and the test of the measured value. The report lists every
 * target of every run, so a target this run could not judge says "not measured" and how to measure it instead of
 * disappearing.
 */
public final class Targets {
    /** One target: {@code met} tests the measured value (a ratio, milliseconds, bytes, or 1/0 for yes/no). */
    public record Target(String key, String what, String bound, DoublePredicate met) {
        /** A judged check; NaN (nothing measured) is "not measured". */
        public Report.Check check(String measured, double value) {
            return new Report.Check(key, what, measured, bound, Double.isNaN(value) ? null : met.test(value));
        }

        public Report.Check notMeasured(String why) {
            return new Report.Check(key, what, "not measured: " + why, bound, null);
        }
    }

    public static final Target HTTPS_TO_NGINX = new Target("https-ratio", "HTTPS registrations/s ÷ nginx", "≥ 0.90",
            r -> r >= 0.9);
    public static final Target MQTT_TO_NGINX = new Target("mqtt-ratio", "MQTT registrations/s ÷ nginx", "≥ 0.80",
            r -> r >= 0.8);
    public static final Target X509_TO_NGINX_MTLS = new Target("x509-ratio",
            "X.509 registrations/s ÷ nginx verifying clients", "≥ 0.70", r -> r >= 0.7);
    public static final Target HALF_RATE_P99 = new Target("half-rate-p99", "p99 at half the peak rate", "< 50 ms",
            ms -> ms < 50);
    public static final Target RSS = new Target("rss", "server RSS, max sampled each second", "< 400 MiB",
            bytes -> bytes < 400.0 * 1024 * 1024);
    public static final Target STORE_BYTES_PER_DEVICE = new Target("store-bytes-per-device",
            "database bytes on disk per registered device", "< 4 KiB", bytes -> bytes < 4096);
    public static final Target WARM_UP_SETTLED = new Target("warm-up-settled",
            "warm-up reached the server's steady state", "JIT < 5% of a core", settled -> settled > 0);
    public static final Target ENROLLMENT_SCALING = new Target("enrollment-scaling",
            "throughput, most ÷ fewest enrollments loaded", "≥ 0.90", r -> r >= 0.9);
    public static final Target REGISTERED_MILLION_P99 = new Target("registered-1m-p99",
            "p99 with 1,000,000 registered ÷ empty", "≤ 1.20", r -> r <= 1.2);
    public static final Target POSTGRES_TO_H2 = new Target("postgres-ratio", "HTTPS storm on PostgreSQL ÷ on H2",
            "≥ 0.85", r -> r >= 0.85);

    /** In the order the report prints them. */
    public static final List<Target> ALL = List.of(HTTPS_TO_NGINX, MQTT_TO_NGINX, X509_TO_NGINX_MTLS, HALF_RATE_P99,
            RSS, STORE_BYTES_PER_DEVICE, WARM_UP_SETTLED, ENROLLMENT_SCALING, REGISTERED_MILLION_P99, POSTGRES_TO_H2);

    private Targets() {
    }
}
