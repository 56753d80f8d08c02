package dev.muster.server.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.operations.Granularity;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.operations.UsageReport;
import dev.muster.core.registration.FailureReason;
import dev.muster.core.registration.OperationStore;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.transport.Exchange;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /usage}: the instance's metered operations (Azure's billing unit) since a time, in total and as a series of
 * minute, hour or day buckets, with failed attempts by reason; {@code /usage/failures}: the latest failed attempts.
 * Both need ServiceConfig.
 */
final class UsageRoutes {
    static final int DEFAULT_TOP = 20;
    static final int MAX_TOP = 100;

    private final ServiceCalls calls;
    private final UsageMeter usage;
    private final OperationStore operations;

    UsageRoutes(ServiceCalls calls, UsageMeter usage, OperationStore operations) {
        this.calls = calls;
        this.usage = usage;
        this.operations = operations;
    }

    void report(Exchange ex) {
        Instant since = since(ex.query("since"));
        Granularity granularity = granularity(ex.query("granularity"));
        calls.call(ex, AccessRight.ServiceConfig, i -> report(i, since, granularity), v -> ex.json(200, v));
    }

    void failures(Exchange ex) {
        int top = top(ex.query("top"));
        calls.call(ex, AccessRight.ServiceConfig,
                i -> operations.recentFailures(i.name(), top).stream().map(UsageRoutes::failure).toList(),
                v -> ex.json(200, v));
    }

    private ObjectNode report(ProvisioningInstance instance, Instant since, Granularity granularity) {
        UsageReport r = usage.report(instance.name(), since, granularity);
        ObjectNode out = Json.object();
        out.put("idScope", instance.idScope());
        out.put("since", Timestamps.format(since));
        out.set("operations", counts(r.totals(), true));
        out.put("billedOperations", r.billed());
        out.put("granularity", granularity.name().toLowerCase(java.util.Locale.ROOT));
        var series = out.putArray("series");
        for (UsageReport.Bucket b : r.series()) {
            ObjectNode bucket = series.addObject();
            bucket.put("start", Timestamps.format(b.start()));
            bucket.set("operations", counts(b.operations(), false));
        }
        ObjectNode failures = out.putObject("failures");
        r.failures().forEach(failures::put);
        return out;
    }

    private static ObjectNode counts(Map<OperationKind, Long> counts, boolean withZeros) {
        ObjectNode ops = Json.object();
        for (OperationKind k : OperationKind.values()) {
            long n = counts.getOrDefault(k, 0L);
            if (withZeros || n != 0) {
                ops.put(k.wireName(), n);
            }
        }
        return ops;
    }

    private static Map<String, Object> failure(RegistrationOperation o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operationId", o.operationId());
        m.put("registrationId", o.registrationId());
        m.put("timestampUtc", Timestamps.format(o.createdAt()));
        DeviceRegistrationState st = o.result() == null ? null : o.result().registrationState();
        m.put("status", o.result() == null ? DeviceRegistrationState.FAILED : o.result().status());
        m.put("errorCode", st == null ? null : st.errorCode());
        m.put("reason", st == null ? o.failureDetail() : FailureReason.of(st) + (o.failureDetail() == null ? ""
                : ": " + o.failureDetail()));
        return m;
    }

    private static Instant since(String since) {
        try {
            return since == null ? Instant.now().minus(Duration.ofDays(30)) : Instant.parse(since);
        } catch (RuntimeException e) {
            throw ProvisioningException.badRequest("since must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z.");
        }
    }

    private static Granularity granularity(String name) {
        if (name == null || name.isBlank()) {
            return Granularity.HOUR;
        }
        return Granularity.parse(name).orElseThrow(() ->
                ProvisioningException.badRequest("granularity must be minute, hour or day."));
    }

    private static int top(String top) {
        if (top == null || top.isBlank()) {
            return DEFAULT_TOP;
        }
        try {
            int n = Integer.parseInt(top.strip());
            if (n >= 1 && n <= MAX_TOP) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ProvisioningException.badRequest("top must be a whole number from 1 to " + MAX_TOP + ".");
    }
}
