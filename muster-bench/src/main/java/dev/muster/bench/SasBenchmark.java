package dev.muster.bench;

import dev.muster.core.sas.DerivedKey;
import dev.muster.core.sas.SasToken;
import dev.muster.core.sas.SasVerifier;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The symmetric-key part of every registration: deriving a group device's key (reference §4.2) and verifying its
 * SAS token (parse, expiry and resource checks, HMAC against primary and secondary key).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SasBenchmark {
    private static final String SCOPE = "0ne00ABCDEF";

    String groupPrimary;
    String groupSecondary;
    String registrationId;
    String devicePrimary;
    String deviceSecondary;
    String header;
    SasVerifier verifier;

    @Setup
    public void setUp() {
        groupPrimary = Base64.getEncoder().encodeToString(new byte[64]);
        groupSecondary = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        registrationId = "line-3-unit-000042";
        devicePrimary = DerivedKey.of(groupPrimary, registrationId);
        deviceSecondary = DerivedKey.of(groupSecondary, registrationId);
        String sr = URLEncoder.encode(SCOPE + "/registrations/" + registrationId, StandardCharsets.UTF_8);
        long se = System.currentTimeMillis() / 1000 + 3600;
        byte[] sig = dev.muster.core.sas.Hmac.sha256(Base64.getDecoder().decode(devicePrimary),
                (sr + "\n" + se).getBytes(StandardCharsets.UTF_8));
        header = "SharedAccessSignature sr=" + sr + "&sig="
                + URLEncoder.encode(Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8) + "&se=" + se
                + "&skn=registration";
        verifier = new SasVerifier(Clock.systemUTC());
    }

    /** Both derived keys of one device, as the authenticator computes them per group tried. */
    @Benchmark
    public String derivedKeys() {
        return DerivedKey.of(groupPrimary, registrationId) + DerivedKey.of(groupSecondary, registrationId);
    }

    /** Parsing the Authorization header and verifying it against the device's two keys. */
    @Benchmark
    public SasVerifier.Result verifyToken() {
        SasToken token = SasToken.parse(header).orElseThrow();
        return verifier.verify(token, SCOPE + "/registrations/" + registrationId, List.of(devicePrimary, deviceSecondary));
    }

    /** The group path end to end: derive both keys, then verify. */
    @Benchmark
    public boolean groupDeviceAuthentication() {
        SasToken token = SasToken.parse(header).orElseThrow();
        return verifier.signatureMatches(token, List.of(DerivedKey.of(groupPrimary, registrationId),
                DerivedKey.of(groupSecondary, registrationId)));
    }
}
