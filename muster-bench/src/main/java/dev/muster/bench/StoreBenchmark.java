package dev.muster.bench;

import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.store.Database;
import dev.muster.store.SecretBox;
import dev.muster.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The store writes and reads of a registration on the embedded H2 database (the default deployment), in a
 * temporary folder: writing the registration record and the operation, and looking up an individual enrollment
 * in a table of {@code enrollments} rows (the cost that must not grow with the table).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreBenchmark {
    private static final String INSTANCE = "default";

    @Param({"1000", "100000"})
    int enrollments;

    Path dir;
    Database database;
    Stores store;
    final AtomicLong next = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("muster-jmh-");
        database = Database.embedded(dir);
        store = Stores.open(database, SecretBox.ephemeral());
        store.instances().createInstance(new ProvisioningInstance(INSTANCE, "0ne00ABCDEF", "localhost", "hashed",
                List.of(SharedAccessPolicy.owner(Ids.policyKey(), Ids.policyKey()))));
        for (int i = 0; i < enrollments; i++) {
            store.enrollments().insertEnrollment(INSTANCE, Json.read("{\"registrationId\":\"dev-" + i + "\",\"attestation\":{\"type\":"
                    + "\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + Ids.symmetricKey() + "\",\"secondaryKey\":\""
                    + Ids.symmetricKey() + "\"}},\"provisioningStatus\":\"enabled\",\"etag\":\"" + Ids.etag() + "\"}",
                    IndividualEnrollment.class));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        database.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** A new registration record (the assigned state a device gets), as the first registration writes it. */
    @Benchmark
    public void registrationRecordWrite() {
        String id = "device-" + next.incrementAndGet();
        String now = Instant.now().toString();
        DeviceRegistrationState state = new DeviceRegistrationState(id, now, "127.0.10.1", id,
                DeviceRegistrationState.ASSIGNED, DeviceRegistrationState.INITIAL_ASSIGNMENT, null, null, now, Ids.etag(),
                null, Json.object().put("enrollmentGroupId", "line-3"), null, null);
        store.registrations().saveRegistration(INSTANCE, new RegistrationRecord(state, "line-3", "127.0.10.1"));
    }

    /** The operation row every registration keeps for polling. */
    @Benchmark
    public void operationWrite() {
        String id = "device-" + next.incrementAndGet();
        store.operations().saveOperation(INSTANCE, new RegistrationOperation(Ids.trackingId(), id,
                new RegistrationOperationStatus(null, DeviceRegistrationState.ASSIGNED, null), null, Instant.now()));
    }

    /** Looking up an individual enrollment by registration ID (and unsealing its keys). */
    @Benchmark
    public Optional<IndividualEnrollment> enrollmentLookup() {
        return store.enrollments().enrollment(INSTANCE, "dev-" + (next.incrementAndGet() % enrollments));
    }
}
