package dev.muster.bench;

import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.registration.DeviceCredentials;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.core.registration.RegistrationRequest;
import dev.muster.core.registration.RegistrationService;
import dev.muster.core.sas.DerivedKey;
import dev.muster.core.sas.Hmac;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import dev.muster.store.Database;
import dev.muster.store.SecretBox;
import dev.muster.store.Stores;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One complete first registration of a group device, without any network: authenticate (derived key, SAS),
 * allocate, create the hub device with its initial twin in the built-in hub, write the record and the operation,
 * all on H2 in a temporary folder, exactly as the server wires it. Subtracting this from the boot storm's per-device
 * server CPU leaves what TLS and HTTP cost.
 *
 * <p>{@code -p backend=h2,postgresql} compares the embedded store with PostgreSQL: the scratch database named by
 * {@code MUSTER_BENCH_POSTGRES_URL} ({@code postgresql://USER:PASS@HOST:PORT/DB}) is emptied first (its
 * {@code public} schema is dropped). With {@code -t N} the registrations run on N threads, as the server's workers do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class RegistrationBenchmark {
    private static final String INSTANCE = "default";
    private static final String SCOPE = "0ne00ABCDEF";
    private static final String HUB = "127.0.10.1";

    /** h2 (embedded, in a temporary folder) or postgresql (MUSTER_BENCH_POSTGRES_URL). */
    @org.openjdk.jmh.annotations.Param({"h2"})
    public String backend;

    Path dir;
    Database database;
    RegistrationService registrations;
    String groupKey;
    final AtomicLong next = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("muster-jmh-");
        database = backend.equals("postgresql") ? scratchPostgres() : Database.embedded(dir);
        Stores store = Stores.open(database, SecretBox.ephemeral());
        Clock clock = Clock.systemUTC();
        store.instances().createInstance(new ProvisioningInstance(INSTANCE, SCOPE, "localhost", "hashed",
                List.of(SharedAccessPolicy.owner(Ids.policyKey(), Ids.policyKey()))));
        String hubKey = Ids.policyKey();
        store.hubs().createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, hubKey, Ids.policyKey()));
        store.linkedHubs().saveLinkedHub(INSTANCE, new LinkedHub(HUB, "HostName=" + HUB + ";SharedAccessKeyName=iothubowner;"
                + "SharedAccessKey=" + hubKey, 1, true));
        UsageMeter usage = new UsageMeter(store.usage(), clock);
        BuiltInHub hubs = BuiltInHub.create(store.hubs(), clock);
        BuiltInHubClient hub = new BuiltInHubClient(hubs, HUB);
        registrations = RegistrationService.builder().instances(store.instances()).enrollments(store.enrollments())
                .registrations(store.registrations()).operations(store.operations()).linkedHubs(store.linkedHubs())
                .hubClients(link -> hub).deviceClaims(store.deviceClaims()).usage(usage).clock(clock).build();
        groupKey = Ids.symmetricKey();
        new EnrollmentService(store.enrollments(), store.registrations(), store.linkedHubs(), usage, clock).putGroup(INSTANCE, "line-3", Json.read(
                "{\"enrollmentGroupId\":\"line-3\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":"
                        + "{\"primaryKey\":\"" + groupKey + "\",\"secondaryKey\":\"" + Ids.symmetricKey() + "\"}},"
                        + "\"initialTwin\":{\"tags\":{\"site\":\"lab\"},\"properties\":{\"desired\":{\"interval\":30}}}}",
                EnrollmentGroup.class), null);
    }

    private static Database scratchPostgres() {
        String url = System.getenv("MUSTER_BENCH_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("set MUSTER_BENCH_POSTGRES_URL to a scratch database:"
                    + " postgresql://USER:PASS@HOST:PORT/DB (it is emptied)");
        }
        try (Database scratch = Database.open(url, null, null, 2);
             java.sql.Connection c = scratch.dataSource().getConnection();
             java.sql.Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot empty " + url.replaceAll(":[^:@/]*@", ":***@") + ": " + e, e);
        }
        return Database.open(url, null, null, 16);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        database.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    public RegistrationOperationStatus firstRegistration() {
        String id = "line-3-unit-" + next.incrementAndGet();
        String sr = URLEncoder.encode(SCOPE + "/registrations/" + id, StandardCharsets.UTF_8);
        long se = System.currentTimeMillis() / 1000 + 3600;
        byte[] sig = Hmac.sha256(Base64.getDecoder().decode(DerivedKey.of(groupKey, id)),
                (sr + "\n" + se).getBytes(StandardCharsets.UTF_8));
        String token = "SharedAccessSignature sr=" + sr + "&sig="
                + URLEncoder.encode(Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8) + "&se=" + se;
        RegistrationRequest request = new RegistrationRequest(SCOPE, id, Json.object().put("registrationId", id),
                DeviceCredentials.sas(token));
        return registrations.register(request, registrations.newOperationId());
    }
}
