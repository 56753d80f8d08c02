package dev.muster.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Puts (or deletes) many individual enrollments through the service API with a pipelined client. Their IDs are
 * {@code bench-ind-0000000} … and their keys are derived from one master key (the same HMAC as group device keys),
 * so the benchmark can act as any of a million devices later without storing a million keys.
 */
public final class EnrollmentLoader {
    public static final String PREFIX = "bench-ind-";
    public static final String MARKER = "bench-ind-keys";

    private EnrollmentLoader() {}

    public static String id(int i) {
        return PREFIX + String.format(Locale.ROOT, "%07d", i);
    }

    public static String primaryKey(String masterKey, String id) {
        return DeviceSas.derivedKey(masterKey, id);
    }

    static String secondaryKey(String masterKey, String id) {
        return DeviceSas.derivedKey(masterKey, id + "#secondary");
    }

    /** The enrollment document of bench device {@code id}. */
    public static String document(String masterKey, String id) {
        ObjectNode doc = Json.object().put("registrationId", id);
        doc.putObject("attestation").put("type", "symmetricKey").putObject("symmetricKey")
                .put("primaryKey", primaryKey(masterKey, id)).put("secondaryKey", secondaryKey(masterKey, id));
        doc.put("provisioningStatus", "enabled");
        ObjectNode twin = doc.putObject("initialTwin");
        twin.putObject("tags").put("bench", "individual");
        twin.putObject("properties").putObject("desired").put("telemetryInterval", 30);
        return Json.write(doc);
    }

    /**
     * Sends {@code count} requests built by {@code request} through {@code client}, with a progress bar.
     *
     * @return how many were refused or failed (the first few reasons are printed)
     */
    public static long run(PipelinedClient client, int from, int to, IntFunction<String[]> request, String label,
                           PrintStream progressOut, boolean terminal, int okStatusMin, int okStatusMax,
                           int tolerated) throws InterruptedException {
        Recorder recorder = new Recorder(0);
        AtomicLong printed = new AtomicLong();
        try (Progress ignored = new Progress(progressOut, label, to - from, recorder, terminal)) {
            for (int i = from; i < to; i++) {
                String[] r = request.apply(i); // method, host, target, authorization, body
                client.send(r[0], r[1], r[2], r[3], r[4]).whenComplete((resp, e) -> {
                    if (e != null) {
                        recorder.error(Errors.kind(e));
                    } else if ((resp.status() < okStatusMin || resp.status() > okStatusMax) && resp.status() != tolerated) {
                        recorder.error("HTTP " + resp.status());
                        if (printed.incrementAndGet() <= 3) {
                            progressOut.println("\n  " + r[0] + " " + r[2] + ": HTTP " + resp.status() + " " + resp.body());
                        }
                    } else {
                        recorder.success(0);
                    }
                });
            }
            client.drain();
        }
        return recorder.failures();
    }
}
