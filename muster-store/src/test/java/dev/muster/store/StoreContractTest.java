package dev.muster.store;

import static dev.muster.store.Fixtures.builtInHub;
import static dev.muster.store.Fixtures.device;
import static dev.muster.store.Fixtures.enrollment;
import static dev.muster.store.Fixtures.failed;
import static dev.muster.store.Fixtures.group;
import static dev.muster.store.Fixtures.instance;
import static dev.muster.store.Fixtures.linkedHub;
import static dev.muster.store.Fixtures.nextTwin;
import static dev.muster.store.Fixtures.registration;
import static dev.muster.store.Fixtures.succeeded;
import static dev.muster.store.Fixtures.twin;
import static dev.muster.store.Fixtures.x509;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.Ids;
import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentQuery;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.DeviceWithTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.TrustedCertificate;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.core.x509.CaCertificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

/**
 * What every store backend must do, run once per database. Subclasses only say how to get an empty database;
 * each test starts from empty tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContractTest implements CloudToDeviceStoreContract, HubModuleStoreContract,
        HubEventStoreContract, RoutingStoreContract, dev.muster.core.testing.EndpointOutboxContract,
        IssuanceStoreContract {
    static final String INSTANCE = "contoso";
    static final String OTHER_INSTANCE = "fabrikam";
    static final String HUB = "hub-a.example.net";
    private static final List<String> TABLES = List.of("instances", "enrollments", "enrollment_groups",
            "registrations", "operations", "linked_hubs", "usage_counts", "hubs", "hub_devices", "hub_twins",
            "ca_certificates", "hub_trusted_certificates", "failure_counts", "quota_counts", "hub_desired_changes",
            "enrollment_tags", "hub_device_claims", "hub_device_claim_sweeps", "hub_c2d_messages", "hub_c2d_queues",
            "hub_c2d_feedback", "hub_connections", "hub_nodes", "hub_events", "hub_event_partitions",
            "hub_event_streams", "hub_consumer_groups", "hub_event_owners", "hub_routing", "hub_endpoint_outbox",
            "hub_endpoint_dead_letters", "certificate_policies", "issuing_cas", "issued_certificates");
    private static final int THREADS = 8;
    private static final Instant MINUTE = Instant.parse("2024-05-01T10:00:00Z");

    private final List<Database> opened = new ArrayList<>();
    private String unavailable;
    Database database;
    /** One key for every store object of the class, as every node of a deployment shares one. */
    final SecretBox secrets = SecretBox.of(new byte[32]);
    Stores store;

    /**
     * A new, empty database (no schema yet). Each call of the supplier opens a {@link Database} on that same
     * database, migrating it as production startup does.
     */
    protected abstract Supplier<Database> emptyDatabase();

    /**
     * A new, empty database; each call of the function opens a {@link Database} on that same database, migrated up to
     * the given schema version (null: the latest).
     */
    protected abstract Function<String, Database> emptyDatabaseAt();

    /** The schema versions this build ships (V1__…, V2__… in db/migration and the Java ones), in order. */
    static List<String> shippedVersions() {
        try {
            java.net.URL dir = StoreContractTest.class.getClassLoader().getResource("db/migration");
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(dir.toURI()))) {
                return java.util.stream.Stream.concat(files.map(f -> f.getFileName().toString())
                                .filter(n -> n.matches("V\\d+__.*\\.sql"))
                                .map(n -> n.substring(1, n.indexOf("__"))),
                                SchemaMigrator.javaMigrations(null).stream().map(m -> m.getVersion().toString()))
                        .sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                        .toList();
            }
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot list db/migration", e);
        }
    }

    /** Runs after every database this class opened is closed: drop what {@link #emptyDatabase()} created. */
    protected void removeDatabases() {}

    Database open(Supplier<Database> target) {
        Database db = target.get();
        opened.add(db);
        return db;
    }

    @BeforeAll
    void openStore() {
        try {
            database = open(emptyDatabase());
            store = Stores.open(database, secrets);
        } catch (TestAbortedException e) {
            // Aborting here would hide the reason: reports count an aborted class as zero tests, not as skipped.
            unavailable = e.getMessage().replaceFirst("^Assumption failed: ", "");
        }
    }

    @AfterAll
    void closeEverything() {
        opened.forEach(Database::close);
        removeDatabases();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        Assumptions.assumeTrue(unavailable == null, () -> unavailable);
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                s.executeUpdate("DELETE FROM " + table);
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    @Override
    public Stores stores() {
        return store;
    }

    @Override
    public dev.muster.core.hub.routing.EndpointOutbox endpointOutbox() {
        return store.endpointOutbox();
    }

    @Override
    public dev.muster.core.hub.CloudToDeviceStore reopenedCloudToDevice() {
        return Stores.open(database, secrets).cloudToDevice();
    }

    @Override
    public SecretBox secretBox() { return secrets; }

    @Override
    public javax.sql.DataSource dataSourceOf() { return database.dataSource(); }

    @Override
    public Connection connection() throws SQLException { return database.dataSource().getConnection(); }

    @Override
    public Function<String, Database> newDatabaseAt() {
        Function<String, Database> target = emptyDatabaseAt();
        return version -> open(() -> target.apply(version));
    }

    /** Starts {@code THREADS} tasks at once and returns their results. */
    static <T> List<T> concurrently(Function<Integer, T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                int n = i;
                Callable<T> call = () -> {
                    start.await();
                    return task.apply(n);
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Instants as the databases keep them: to the microsecond. */
    static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    static List<String> ids(List<IndividualEnrollment> page) {
        return page.stream().map(IndividualEnrollment::registrationId).toList();
    }

    static List<String> groupIds(List<EnrollmentGroup> page) {
        return page.stream().map(EnrollmentGroup::enrollmentGroupId).toList();
    }

    static List<String> registrationIds(List<RegistrationRecord> page) {
        return page.stream().map(r -> r.state().registrationId()).toList();
    }

    // ---- schema ----------------------------------------------------------------------------------------------

    @Test
    void anEmptyDatabaseIsMigratedToTheLatestSchema() throws SQLException {
        Database fresh = open(emptyDatabase());
        try (Connection c = fresh.dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL"
                    + " ORDER BY installed_rank");
            List<String> versions = new ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getBoolean("success")).isTrue();
                versions.add(rs.getString("version"));
            }
            assertThat(versions).isEqualTo(shippedVersions());
            for (String table : TABLES) {
                ResultSet count = s.executeQuery("SELECT COUNT(*) FROM " + table);
                count.next();
                assertThat(count.getLong(1)).as(table).isZero();
            }
        }
        assertThat(Stores.open(fresh).instances().listInstances()).isEmpty();
    }

    @Test
    void reopeningAMigratedDatabaseKeepsItsData() {
        Supplier<Database> target = emptyDatabase();
        Database first = open(target);
        Stores.open(first, secrets).instances().createInstance(instance("kept", "0ne00000001", "kept.example.net"));
        first.close();
        Database second = open(target);
        assertThat(Stores.open(second, secrets).instances().instanceByName("kept")).isPresent();
    }

    @Test
    void secretsAreNeverWrittenInPlainText() throws SQLException {
        String secret = java.util.Base64.getEncoder().encodeToString("a-very-secret-key-material!!".getBytes());
        store.instances().createInstance(new dev.muster.core.instance.ProvisioningInstance("sealed", "0ne0000beef", "sealed.example.net",
                "hashed", List.of(dev.muster.core.instance.SharedAccessPolicy.owner(secret, secret))));
        store.enrollments().insertEnrollment("sealed", Fixtures.enrollment("dev-sealed", dev.muster.core.enrollment.AttestationMechanism.symmetricKey(secret, secret)));
        store.linkedHubs().saveLinkedHub("sealed", new dev.muster.core.instance.LinkedHub("hub.sealed.example.net",
                "HostName=hub.sealed.example.net;SharedAccessKeyName=iothubowner;SharedAccessKey=" + secret, 1, true));
        store.hubs().createBuiltInHub(new dev.muster.core.hub.BuiltInHubConfig("hub2.sealed.example.net", "iothubowner", secret,
                secret));
        store.hubs().insertDevice("hub2.sealed.example.net", dev.muster.core.hub.HubDevice.of("dev-sealed",
                        dev.muster.core.hub.AuthenticationMechanism.sas(secret, secret), null),
                new dev.muster.core.hub.DeviceTwin("dev-sealed", dev.muster.core.Json.object(), dev.muster.core.Json.object(),
                        1, dev.muster.core.Json.object(), 1, 1, "e"));
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String q : List.of("SELECT policies FROM instances", "SELECT doc FROM enrollments",
                    "SELECT connection_string FROM linked_hubs", "SELECT primary_access_key FROM hubs",
                    "SELECT doc FROM hub_devices")) {
                ResultSet rs = s.executeQuery(q);
                while (rs.next()) {
                    assertThat(rs.getString(1)).as(q).doesNotContain(secret).startsWith("enc:v1:");
                }
            }
        }
        assertThat(store.enrollments().enrollment("sealed", "dev-sealed").orElseThrow().attestation().symmetricKey().primaryKey())
                .isEqualTo(secret);
        assertThat(store.instances().instanceByName("sealed").orElseThrow().policies().get(0).primaryKey()).isEqualTo(secret);
        assertThatThrownBy(() -> Stores.open(database, SecretBox.ephemeral()).enrollments().enrollment("sealed", "dev-sealed"))
                .isInstanceOf(StoreException.class).hasMessageContaining("secret key");
    }

    @Test
    void aSchemaNewerThanThisBinaryIsRefused() throws SQLException {
        List<String> shipped = shippedVersions();
        String latest = shipped.get(shipped.size() - 1);
        int future = Integer.parseInt(latest) + 1;
        Supplier<Database> target = emptyDatabase();
        Database db = open(target);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, installed_on, execution_time, success) VALUES"
                    + " (" + future + ", '" + future + "', 'from the future', 'SQL', 'V" + future + "__from_the_future.sql',"
                    + " 0, 'test', CURRENT_TIMESTAMP, 0, TRUE)");
        }
        db.close();
        assertThatThrownBy(() -> open(target))
                .isInstanceOf(StoreException.class)
                .hasMessage("The database schema is version " + future + " but this Muster only knows up to " + latest
                        + "; upgrade Muster.");
    }

    @Test
    void aDatabaseAtTheSecondSchemaVersionIsMigratedToTheLatestWithItsDataKept() throws SQLException {
        Function<String, Database> target = emptyDatabaseAt();
        Database old = target.apply("2");
        opened.add(old);
        try (Connection c = old.dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT MAX(installed_rank) FROM flyway_schema_history");
            rs.next();
            assertThat(rs.getInt(1)).as("migrated to V2 only").isEqualTo(2);
        }
        // Rows as a V2-era Muster wrote them: today's store writes later columns, so instances and enrollments are
        // inserted in V2's shape here; the tables whose shape V2 already had are written by their own stores.
        Jdbc v2 = new Jdbc(old.dataSource());
        SharedAccessPolicy owner = SharedAccessPolicy.owner("b3duZXI=", null);
        v2.update("INSERT INTO instances (name, id_scope, service_host_key, service_host_name, allocation_policy,"
                + " policies) VALUES (?, ?, ?, ?, ?, ?)", "kept", "0ne00000002", "kept.example.net", "kept.example.net",
                "hashed", Documents.writeSealed(secrets, List.of(owner)));
        IndividualEnrollment enrollment = tagged("dev-kept", x509(), "enabled", "{\"site\":{\"room\":\"lab\"}}");
        v2.update("INSERT INTO enrollments (instance, id_key, etag, attestation_type, doc) VALUES (?, ?, ?, ?, ?)",
                "kept", Documents.key("dev-kept"), enrollment.etag(), EnrollmentQuery.attestationType(enrollment),
                Documents.writeSealed(secrets, enrollment));
        RegistrationRecord record = registration("dev-kept", null);
        new JdbcRegistrationStore(v2).saveRegistration("kept", record);
        JdbcHubStore hubsAtV2 = new JdbcHubStore(v2, secrets);
        hubsAtV2.createBuiltInHub(builtInHub(HUB));
        HubDevice keptDevice = device("dev-kept");
        v2.update("INSERT INTO hub_devices (hub_key, device_id, etag, doc) VALUES (?, ?, ?, ?)", Documents.key(HUB),
                "dev-kept", keptDevice.etag(), Documents.writeSealed(secrets, keptDevice));
        v2.update("INSERT INTO hub_twins (hub_key, device_id, version, etag, doc) VALUES (?, ?, ?, ?, ?)",
                Documents.key(HUB), "dev-kept", twin("dev-kept").version(), twin("dev-kept").etag(),
                Documents.write(twin("dev-kept")));
        new JdbcUsageStore(v2).addUsage("kept", OperationKind.REGISTRATION, MINUTE, 3);
        old.close();

        Database latest = open(() -> target.apply(null));
        Stores after = Stores.open(latest, secrets);

        assertThat(after.instances().instanceByName("kept")).isPresent();
        assertThat(after.instances().instanceByName("kept").orElseThrow().policy(SharedAccessPolicy.OWNER)).contains(owner);
        assertThat(after.enrollments().enrollment("kept", "dev-kept")).contains(enrollment);
        assertThat(after.enrollments().enrollments("kept", EnrollmentQuery.parse("SELECT * FROM enrollments WHERE provisioningStatus = 'enabled'", "enrollments"), null, 10))
                .as("query columns filled for rows written before V5").containsExactly(enrollment);
        assertThat(after.enrollments().enrollments("kept", EnrollmentQuery.parse("SELECT * FROM enrollments WHERE tags.site.room = 'lab'", "enrollments"), null, 10))
                .as("tag index filled for rows written before V6").containsExactly(enrollment);
        assertThat(after.registrations().registration("kept", "dev-kept")).contains(record);
        assertThat(after.hubs().device(HUB, "dev-kept")).isPresent();
        assertThat(after.hubs().twin(HUB, "dev-kept")).isPresent();
        assertThat(after.hubs().disabledDeviceCount(HUB)).as("status filled for devices written before V11").isZero();
        assertThat(after.hubs().deviceCount(HUB)).isEqualTo(1);
        assertThat(after.deviceClaims().deviceClaim(record.state().assignedHub(), record.state().deviceId()))
                .as("claimed from its assigned record (V10)").get()
                .extracting(dev.muster.core.device.DeviceClaim::ownerIdScope).isEqualTo("0ne00000002");
        assertThat(after.usage().usageSince("kept", MINUTE)).containsEntry(OperationKind.REGISTRATION, 3L);
        assertThat(after.desiredChanges().desiredChangesSince(MINUTE, 10)).isEmpty();
    }

    @Test
    void aDatabaseThePreviousReleaseFilledInTakesTheBackfillMigrationsWithoutChange() throws SQLException {
        Function<String, Database> target = emptyDatabaseAt();
        Database old = target.apply("6");
        opened.add(old);
        // As the previous release left it: rows written with their columns and tag pairs, and its own note that
        // the fills ran (the store ran them when it opened, before they were migrations).
        Jdbc v6 = new Jdbc(old.dataSource());
        IndividualEnrollment enrollment = tagged("dev-kept", x509(), "enabled", "{\"site\":{\"room\":\"lab\"}}");
        // In V6's shape: today's store writes later columns (credential_policy, V23).
        v6.update("INSERT INTO enrollments (instance, id_key, etag, attestation_type, provisioning_status, tag_pairs,"
                + " doc) VALUES (?, ?, ?, ?, ?, ?, ?)", "kept", Documents.key("dev-kept"), enrollment.etag(),
                EnrollmentQuery.attestationType(enrollment), "enabled", EnrollmentTable.tagPairs(enrollment),
                Documents.writeSealed(secrets, enrollment));
        v6.update("INSERT INTO enrollment_tags (instance, kind, tag_path, tag_value, id_key, attestation_type,"
                + " provisioning_status) VALUES (?, ?, ?, ?, ?, ?, ?)", "kept", "e", "site.room", "lab",
                Documents.key("dev-kept"), EnrollmentQuery.attestationType(enrollment), "enabled");
        for (String fill : List.of("enrollments_query_columns", "enrollment_groups_query_columns", "enrollments_tags",
                "enrollment_groups_tags")) {
            v6.update("INSERT INTO store_backfills (name, done_at) VALUES (?, ?)", fill, MINUTE);
        }
        old.close();

        Stores after = Stores.open(open(() -> target.apply(null)), secrets);

        assertThat(appliedVersions(database)).as("a fresh database").contains("7", "8");
        assertThat(after.enrollments().enrollments("kept", EnrollmentQuery.parse(
                "SELECT * FROM enrollments WHERE tags.site.room = 'lab' AND provisioningStatus = 'enabled'",
                "enrollments"), null, 10)).containsExactly(enrollment);
        Database latest = open(() -> target.apply(null));
        assertThat(appliedVersions(latest)).contains("6", "7", "8");
        try (Connection c = latest.dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM enrollment_tags WHERE id_key = 'dev-kept'");
            rs.next();
            assertThat(rs.getInt(1)).as("the pair written once, not twice").isEqualTo(1);
        }
    }

    @Test
    void theBackfillMigrationsRefuseToGuessWithoutTheKeyOnlyWhenThereIsSomethingToFill() {
        Jdbc jdbc = new Jdbc(database.dataSource());
        store.enrollments().insertEnrollment("keyless", enrollment("dev-keyless"));
        assertThatThrownBy(() -> new V7__Enrollment_query_columns(null).fill(jdbc))
                .isInstanceOf(StoreException.class).hasMessageContaining("secret key");
        store.enrollments().deleteEnrollment("keyless", "dev-keyless", null);
    }

    private static List<String> appliedVersions(Database db) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }

    @Test
    void theDialectMatchesTheDatabase() {
        assertThat(database.dialect()).isEqualTo(expectedDialect());
    }

    abstract Dialect expectedDialect();

    // ---- desired-property changes between nodes -------------------------------------------------------------

    static dev.muster.core.hub.DesiredChange change(String hub, String deviceId, long version, Instant at) {
        com.fasterxml.jackson.databind.node.ObjectNode patch = dev.muster.core.Json.object();
        // small numbers, as JSON reads them back
        patch.put("interval", (int) version * 10);
        patch.put("$version", (int) version);
        return new dev.muster.core.hub.DesiredChange(hub, deviceId, version, at, patch);
    }

    @Test
    void desiredChangesAreReadBackOldestFirstFromTheGivenInstant() {
        store.desiredChanges().appendDesiredChange(change("Hub-A.example.net", "dev-2", 4, MINUTE.plusSeconds(2)));
        store.desiredChanges().appendDesiredChange(change(HUB, "dev-1", 7, MINUTE.plusSeconds(1)));
        store.desiredChanges().appendDesiredChange(change(HUB, "dev-1", 6, MINUTE));
        store.desiredChanges().appendDesiredChange(change(HUB, "dev-1", 5, MINUTE.minusMillis(1)));

        List<dev.muster.core.hub.DesiredChange> read = store.desiredChanges().desiredChangesSince(MINUTE, 10);

        assertThat(read).extracting(dev.muster.core.hub.DesiredChange::desiredVersion).containsExactly(6L, 7L, 4L);
        assertThat(read.get(0)).isEqualTo(change(HUB, "dev-1", 6, MINUTE));
        assertThat(read.get(2).hub()).isEqualTo(HUB);
        assertThat(store.desiredChanges().desiredChangesSince(MINUTE, 2)).hasSize(2);
    }

    @Test
    void aDesiredChangeAppendedTwiceIsKeptOnce() {
        store.desiredChanges().appendDesiredChange(change(HUB, "dev-1", 3, MINUTE));
        store.desiredChanges().appendDesiredChange(change(HUB, "dev-1", 3, MINUTE.plusSeconds(5)));

        assertThat(store.desiredChanges().desiredChangesSince(MINUTE.minusSeconds(60), 10)).containsExactly(change(HUB, "dev-1", 3, MINUTE));
    }

    @Test
    void pruningRemovesOnlyOlderDesiredChanges() {
        store.desiredChanges().appendDesiredChange(change(HUB, "dev-1", 1, MINUTE.minusSeconds(1)));
        store.desiredChanges().appendDesiredChange(change(HUB, "dev-1", 2, MINUTE));

        assertThat(store.desiredChanges().pruneDesiredChanges(MINUTE)).isEqualTo(1);
        assertThat(store.desiredChanges().desiredChangesSince(Instant.EPOCH, 10)).extracting(dev.muster.core.hub.DesiredChange::desiredVersion)
                .containsExactly(2L);
    }

    // ---- instances -------------------------------------------------------------------------------------------

    @Test
    void aCreatedInstanceIsFoundByNameIdScopeAndCaseInsensitiveHost() {
        ProvisioningInstance contoso = instance(INSTANCE, "0ne000000AA", "Contoso.Example.NET");
        assertThat(store.instances().createInstance(contoso)).isTrue();

        assertThat(store.instances().instanceByName(INSTANCE)).contains(contoso);
        assertThat(store.instances().instanceByIdScope("0ne000000AA")).contains(contoso);
        assertThat(store.instances().instanceByServiceHost("contoso.example.net")).contains(contoso);
        assertThat(store.instances().instanceByServiceHost("CONTOSO.EXAMPLE.NET")).contains(contoso);
    }

    @Test
    void missingInstancesAreEmpty() {
        assertThat(store.instances().instanceByName("nope")).isEmpty();
        assertThat(store.instances().instanceByIdScope("0ne00000000")).isEmpty();
        assertThat(store.instances().instanceByServiceHost("nope.example.net")).isEmpty();
        assertThat(store.instances().listInstances()).isEmpty();
    }

    @Test
    void aTakenNameIdScopeOrHostIsRefused() {
        assertThat(store.instances().createInstance(instance(INSTANCE, "0ne000000AA", "contoso.example.net"))).isTrue();

        assertThat(store.instances().createInstance(instance(INSTANCE, "0ne000000BB", "other.example.net"))).isFalse();
        assertThat(store.instances().createInstance(instance("other", "0ne000000AA", "other.example.net"))).isFalse();
        assertThat(store.instances().createInstance(instance("other", "0ne000000BB", "CONTOSO.example.net"))).isFalse();
        assertThat(store.instances().listInstances()).extracting(ProvisioningInstance::name).containsExactly(INSTANCE);
    }

    @Test
    void instancesAreListedByName() {
        store.instances().createInstance(instance("zeta", "0ne000000A1", "zeta.example.net"));
        store.instances().createInstance(instance("alpha", "0ne000000A2", "alpha.example.net"));
        store.instances().createInstance(instance("mu", "0ne000000A3", "mu.example.net"));

        assertThat(store.instances().listInstances()).extracting(ProvisioningInstance::name).containsExactly("alpha", "mu", "zeta");
    }

    // ---- individual enrollments ------------------------------------------------------------------------------

    @Test
    void anInsertedEnrollmentIsReturnedAsStoredUnderAnyCase() {
        IndividualEnrollment e = enrollment("Device-One");
        assertThat(store.enrollments().insertEnrollment(INSTANCE, e)).isTrue();

        assertThat(store.enrollments().enrollment(INSTANCE, "Device-One")).contains(e);
        assertThat(store.enrollments().enrollment(INSTANCE, "device-one")).contains(e);
        assertThat(store.enrollments().enrollment(INSTANCE, "DEVICE-ONE")).contains(e);
        assertThat(store.enrollments().enrollment(INSTANCE, "device-two")).isEmpty();
    }

    @Test
    void enrollmentsOfOneInstanceAreInvisibleToAnother() {
        store.enrollments().insertEnrollment(INSTANCE, enrollment("dev1"));

        assertThat(store.enrollments().enrollment(OTHER_INSTANCE, "dev1")).isEmpty();
        assertThat(store.enrollments().enrollments(OTHER_INSTANCE, null, 10)).isEmpty();
        assertThat(store.enrollments().insertEnrollment(OTHER_INSTANCE, enrollment("dev1"))).isTrue();
    }

    @Test
    void aDuplicateIdInAnyCaseIsRefusedAndTheFirstKept() {
        IndividualEnrollment first = enrollment("dev1");
        store.enrollments().insertEnrollment(INSTANCE, first);

        assertThat(store.enrollments().insertEnrollment(INSTANCE, enrollment("dev1"))).isFalse();
        assertThat(store.enrollments().insertEnrollment(INSTANCE, enrollment("DEV1"))).isFalse();
        assertThat(store.enrollments().enrollment(INSTANCE, "dev1")).contains(first);
    }

    @Test
    void manyRefusedInsertsLeaveEveryPooledConnectionUsable() {
        store.enrollments().insertEnrollment(INSTANCE, enrollment("dev1"));
        for (int i = 0; i < 30; i++) {
            assertThat(store.enrollments().insertEnrollment(INSTANCE, enrollment("dev1"))).isFalse();
        }
        assertThat(store.enrollments().insertEnrollment(INSTANCE, enrollment("dev2"))).isTrue();
        assertThat(store.enrollments().enrollments(INSTANCE, null, 10)).hasSize(2);
    }

    @Test
    void replaceSwapsOnlyOnTheExpectedEtag() {
        IndividualEnrollment v1 = enrollment("dev1");
        store.enrollments().insertEnrollment(INSTANCE, v1);
        IndividualEnrollment v2 = enrollment("DEV1");

        assertThat(store.enrollments().replaceEnrollment(INSTANCE, v2, Ids.etag())).isFalse();
        assertThat(store.enrollments().replaceEnrollment(INSTANCE, v2, null)).isFalse();
        assertThat(store.enrollments().enrollment(INSTANCE, "dev1")).contains(v1);

        assertThat(store.enrollments().replaceEnrollment(INSTANCE, v2, v1.etag())).isTrue();
        assertThat(store.enrollments().enrollment(INSTANCE, "dev1")).contains(v2);
        assertThat(store.enrollments().replaceEnrollment(INSTANCE, enrollment("dev1"), v1.etag())).as("stale etag").isFalse();
    }

    @Test
    void replacingAMissingEnrollmentFails() {
        IndividualEnrollment e = enrollment("ghost");
        assertThat(store.enrollments().replaceEnrollment(INSTANCE, e, e.etag())).isFalse();
        assertThat(store.enrollments().enrollment(INSTANCE, "ghost")).isEmpty();
    }

    @Test
    void enrollmentDeleteHonoursTheEtagAndReportsMissing() {
        IndividualEnrollment e = enrollment("dev1");
        store.enrollments().insertEnrollment(INSTANCE, e);

        assertThat(store.enrollments().deleteEnrollment(INSTANCE, "DEV1", Ids.etag())).isFalse();
        assertThat(store.enrollments().enrollment(INSTANCE, "dev1")).isPresent();
        assertThat(store.enrollments().deleteEnrollment(INSTANCE, "DEV1", e.etag())).isTrue();
        assertThat(store.enrollments().enrollment(INSTANCE, "dev1")).isEmpty();
        assertThat(store.enrollments().deleteEnrollment(INSTANCE, "dev1", e.etag())).isFalse();
        assertThat(store.enrollments().deleteEnrollment(INSTANCE, "dev1", null)).isFalse();
    }

    @Test
    void enrollmentDeleteWithoutEtagRemovesWhateverIsThere() {
        store.enrollments().insertEnrollment(INSTANCE, enrollment("dev1"));
        assertThat(store.enrollments().deleteEnrollment(INSTANCE, "Dev1", null)).isTrue();
        assertThat(store.enrollments().enrollment(INSTANCE, "dev1")).isEmpty();
    }

    @Test
    void pagesFollowTheLowerCasedIdWithoutOverlapOrGaps() {
        List<String> all = IntStream.range(0, 25)
                .mapToObj(i -> (i % 3 == 0 ? "Dev-" : "dev-") + String.format(Locale.ROOT, "%02d", i)).toList();
        // Insert out of order so the order comes from the query, not from insertion.
        for (int i = all.size() - 1; i >= 0; i--) {
            store.enrollments().insertEnrollment(INSTANCE, enrollment(all.get(i)));
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        List<IndividualEnrollment> page;
        do {
            page = store.enrollments().enrollments(INSTANCE, after, 10);
            assertThat(page.size()).isLessThanOrEqualTo(10);
            seen.addAll(ids(page));
            after = page.isEmpty() ? after : page.get(page.size() - 1).registrationId();
        } while (page.size() == 10);
        assertThat(seen).containsExactlyElementsOf(all);
    }

    @Test
    void pagingIsStableWhileRowsComeAndGoBetweenPages() {
        for (String id : List.of("a1", "a2", "a3", "b1", "b2", "b3")) {
            store.enrollments().insertEnrollment(INSTANCE, enrollment(id));
        }
        List<IndividualEnrollment> first = store.enrollments().enrollments(INSTANCE, null, 3);
        assertThat(ids(first)).containsExactly("a1", "a2", "a3");

        store.enrollments().deleteEnrollment(INSTANCE, "a2", null); // already seen: no effect on the next page
        store.enrollments().deleteEnrollment(INSTANCE, "b1", null); // not yet seen: must not appear
        store.enrollments().insertEnrollment(INSTANCE, enrollment("a0")); // before the cursor: not seen on this pass
        store.enrollments().insertEnrollment(INSTANCE, enrollment("B0")); // after the cursor: seen

        List<IndividualEnrollment> second = store.enrollments().enrollments(INSTANCE, "A3", 3);
        assertThat(ids(second)).containsExactly("B0", "b2", "b3");
        assertThat(store.enrollments().enrollments(INSTANCE, "b3", 3)).isEmpty();
    }

    @Test
    void pagesAreInByteOrderWhateverTheServerLocale() {
        // Locale collations skip punctuation; byte order does not, so every backend lists these identically.
        List<String> byteOrder = List.of("a-b", "a.c", "a0", "a:e", "a_d", "ab");
        for (String id : List.of("ab", "a_d", "a:e", "a0", "a.c", "a-b")) {
            store.enrollments().insertEnrollment(INSTANCE, enrollment(id));
        }
        assertThat(ids(store.enrollments().enrollments(INSTANCE, null, 10))).containsExactlyElementsOf(byteOrder);
        assertThat(ids(store.enrollments().enrollments(INSTANCE, "a0", 10))).containsExactly("a:e", "a_d", "ab");
    }

    // ---- query filters ---------------------------------------------------------------------------------------

    private static IndividualEnrollment tagged(String id, AttestationMechanism attestation, String status, String tagsJson) {
        IndividualEnrollment e = enrollment(id, attestation);
        return new IndividualEnrollment(e.registrationId(), e.deviceId(), null, e.optionalDeviceInformation(),
                e.attestation(), e.capabilities(), e.iotHubHostName(),
                new dev.muster.core.enrollment.TwinState(dev.muster.core.Json.tree(tagsJson), null), e.etag(), status,
                e.reprovisionPolicy(), e.createdDateTimeUtc(), e.lastUpdatedDateTimeUtc(), e.allocationPolicy(),
                e.iotHubs(), e.customAllocationDefinition());
    }

    private List<String> query(String where, String after, int limit) {
        return ids(store.enrollments().enrollments(INSTANCE, dev.muster.core.enrollment.EnrollmentQuery.parse(
                "SELECT * FROM enrollments" + (where.isEmpty() ? "" : " WHERE " + where), "enrollments"), after, limit));
    }

    private void insertFilterFixtures() {
        AttestationMechanism key = AttestationMechanism.symmetricKey(Ids.symmetricKey(), Ids.symmetricKey());
        store.enrollments().insertEnrollment(INSTANCE, tagged("k1", key, "enabled", "{\"building\":\"43\",\"loc\":{\"floor\":2}}"));
        store.enrollments().insertEnrollment(INSTANCE, tagged("k2", key, "disabled", "{\"building\":\"43\"}"));
        store.enrollments().insertEnrollment(INSTANCE, tagged("k3", key, "enabled", "{\"building\":\"430\",\"x_y\":\"4%\"}"));
        store.enrollments().insertEnrollment(INSTANCE, tagged("x1", x509(), "disabled", "{\"building\":\"43\",\"loc\":{\"floor\":3}}"));
        store.enrollments().insertEnrollment(INSTANCE, tagged("x2", x509(), "enabled", "{}"));
        store.enrollments().insertEnrollment(OTHER_INSTANCE, tagged("k0", key, "enabled", "{\"building\":\"43\"}"));
    }

    @Test
    void queryConditionsAreAnsweredByTheStoreAlone() {
        insertFilterFixtures();
        assertThat(query("", null, 10)).containsExactly("k1", "k2", "k3", "x1", "x2");
        assertThat(query("attestation.type = 'X509'", null, 10)).containsExactly("x1", "x2");
        assertThat(query("provisioningStatus = 'disabled'", null, 10)).containsExactly("k2", "x1");
        assertThat(query("tags.building = '43'", null, 10)).containsExactly("k1", "k2", "x1");
        assertThat(query("tags.loc.floor = 2", null, 10)).containsExactly("k1");
        assertThat(query("tags.building = '43' AND provisioningStatus = 'disabled' AND attestation.type = 'x509'",
                null, 10)).containsExactly("x1");
        assertThat(query("tags.building = '43'", "k1", 1)).containsExactly("k2");
        assertThat(query("tags.building = '4'", null, 10)).isEmpty();
    }

    @Test
    void likeWildcardsInTagNamesAndValuesMatchOnlyThemselves() {
        insertFilterFixtures();
        assertThat(query("tags.building = '4%'", null, 10)).isEmpty();
        assertThat(query("tags.building = '4_'", null, 10)).isEmpty();
        assertThat(query("tags.x_y = '4%'", null, 10)).containsExactly("k3");
        assertThat(query("tags.xzy = '4%'", null, 10)).isEmpty();
    }

    @Test
    void sparseTagMatchesAreFoundFarApart() {
        int rows = 2500;
        AttestationMechanism key = AttestationMechanism.symmetricKey(Ids.symmetricKey(), Ids.symmetricKey());
        List<String> hits = List.of("t-00005", "t-01500",
                String.format(Locale.ROOT, "t-%05d", rows - 1));
        for (int i = 0; i < rows; i++) {
            String id = String.format(Locale.ROOT, "t-%05d", i);
            store.enrollments().insertEnrollment(INSTANCE, tagged(id, key, "enabled",
                    hits.contains(id) ? "{\"rare\":\"yes\"}" : "{\"rare\":\"no\"}"));
        }
        assertThat(query("tags.rare = 'yes'", null, 2)).containsExactly(hits.get(0), hits.get(1));
        assertThat(query("tags.rare = 'yes'", hits.get(1), 2)).containsExactly(hits.get(2));
        assertThat(query("tags.rare = 'yes' AND provisioningStatus = 'enabled'", null, 10)).containsExactlyElementsOf(hits);
    }

    private long tagRows(String where) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM enrollment_tags" + (where.isEmpty() ? "" : " WHERE " + where))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theTagIndexFollowsReplacesAndDeletes() throws SQLException {
        AttestationMechanism key = AttestationMechanism.symmetricKey(Ids.symmetricKey(), Ids.symmetricKey());
        IndividualEnrollment v1 = tagged("k1", key, "enabled", "{\"building\":\"43\",\"loc\":{\"floor\":2}}");
        store.enrollments().insertEnrollment(INSTANCE, v1);
        assertThat(store.enrollments().insertEnrollment(INSTANCE, tagged("K1", key, "enabled", "{\"building\":\"44\"}")))
                .as("a duplicate leaves no pairs behind").isFalse();
        assertThat(tagRows("")).isEqualTo(2);
        IndividualEnrollment v2 = tagged("k1", key, "enabled", "{\"building\":\"44\"}");
        assertThat(store.enrollments().replaceEnrollment(INSTANCE, v2, Ids.etag())).isFalse();
        assertThat(query("tags.building = '43'", null, 10)).containsExactly("k1");
        assertThat(store.enrollments().replaceEnrollment(INSTANCE, v2, v1.etag())).isTrue();
        assertThat(query("tags.building = '43'", null, 10)).isEmpty();
        assertThat(query("tags.loc.floor = 2", null, 10)).isEmpty();
        assertThat(query("tags.building = '44'", null, 10)).containsExactly("k1");
        assertThat(query("tags.building = '44' AND provisioningStatus = 'disabled'", null, 10)).isEmpty();
        IndividualEnrollment v3 = tagged("k1", x509(), "disabled", "{\"building\":\"44\"}");
        assertThat(store.enrollments().replaceEnrollment(INSTANCE, v3, v2.etag())).isTrue();
        assertThat(query("tags.building = '44' AND provisioningStatus = 'disabled' AND attestation.type = 'x509'",
                null, 10)).as("status and attestation follow the replace").containsExactly("k1");
        assertThat(query("tags.building = '44' AND provisioningStatus = 'enabled'", null, 10)).isEmpty();
        assertThat(query("tags.building = '44' AND attestation.type = 'symmetricKey'", null, 10)).isEmpty();
        assertThat(store.enrollments().deleteEnrollment(INSTANCE, "K1", v3.etag())).isTrue();
        assertThat(query("tags.building = '44'", null, 10)).isEmpty();
        assertThat(tagRows("")).isZero();
    }

    @Test
    void groupsAreFoundByTagApartFromEnrollments() throws SQLException {
        EnrollmentGroup g = group("g1");
        EnrollmentGroup tagged = new EnrollmentGroup(g.enrollmentGroupId(), g.attestation(), g.capabilities(),
                g.iotHubHostName(), new dev.muster.core.enrollment.TwinState(dev.muster.core.Json.tree(
                        "{\"building\":\"43\"}"), null), g.etag(), g.provisioningStatus(), g.reprovisionPolicy(),
                g.createdDateTimeUtc(), g.lastUpdatedDateTimeUtc(), g.allocationPolicy(), g.iotHubs(),
                g.customAllocationDefinition());
        store.enrollments().insertGroup(INSTANCE, tagged);
        store.enrollments().insertEnrollment(INSTANCE, tagged("g1", x509(), "enabled", "{\"building\":\"44\"}"));
        var q43 = dev.muster.core.enrollment.EnrollmentQuery.parse(
                "SELECT * FROM enrollmentGroups WHERE tags.building = '43'", "enrollmentGroups");
        var q44 = dev.muster.core.enrollment.EnrollmentQuery.parse(
                "SELECT * FROM enrollmentGroups WHERE tags.building = '44'", "enrollmentGroups");
        assertThat(groupIds(store.enrollments().groups(INSTANCE, q43, null, 10))).containsExactly("g1");
        assertThat(store.enrollments().groups(INSTANCE, q44, null, 10)).isEmpty();
        assertThat(query("tags.building = '43'", null, 10)).isEmpty();
        assertThat(query("tags.building = '44'", null, 10)).containsExactly("g1");
        assertThat(store.enrollments().deleteGroup(INSTANCE, "g1", null)).isTrue();
        assertThat(store.enrollments().groups(INSTANCE, q43, null, 10)).isEmpty();
        assertThat(query("tags.building = '44'", null, 10)).containsExactly("g1");
        assertThat(tagRows("kind = 'g'")).isZero();
    }

    @Test
    void tagsTooLongForTheIndexAreStillFound() throws SQLException {
        String longValue = "v".repeat(EnrollmentTable.MAX_INDEXED_TAG_BYTES + 1);
        String longPath = "p".repeat(EnrollmentTable.MAX_INDEXED_TAG_BYTES + 1);
        // 2-byte characters: short in characters, too long in UTF-8 bytes
        String wide = "\u00e9".repeat(EnrollmentTable.MAX_INDEXED_TAG_BYTES / 2 + 1);
        AttestationMechanism key = AttestationMechanism.symmetricKey(Ids.symmetricKey(), Ids.symmetricKey());
        store.enrollments().insertEnrollment(INSTANCE, tagged("l1", key, "enabled",
                "{\"long\":\"" + longValue + "\",\"" + longPath + "\":\"x\",\"wide\":\"" + wide + "\",\"short\":\"s\"}"));
        store.enrollments().insertEnrollment(INSTANCE, tagged("l2", key, "disabled", "{\"long\":\"v\",\"short\":\"s\"}"));
        assertThat(tagRows("")).as("only the pairs that fit").isEqualTo(3);
        assertThat(query("tags.long = '" + longValue + "'", null, 10)).containsExactly("l1");
        assertThat(query("tags." + longPath + " = 'x'", null, 10)).containsExactly("l1");
        assertThat(query("tags.wide = '" + wide + "'", null, 10)).containsExactly("l1");
        assertThat(query("tags.long = 'v'", null, 10)).containsExactly("l2");
        assertThat(query("tags.short = 's' AND tags.long = '" + longValue + "'", null, 10)).containsExactly("l1");
        assertThat(query("tags.long = '" + longValue + "' AND tags.short = 's'", null, 10)).containsExactly("l1");
    }

    @Test
    void aTagWithOtherConditionsFillsItsPagesAcrossManyTaggedRows() {
        int rows = 2500;
        AttestationMechanism key = AttestationMechanism.symmetricKey(Ids.symmetricKey(), Ids.symmetricKey());
        List<String> off = List.of("w-00003", "w-01000",
                String.format(Locale.ROOT, "w-%05d", rows - 1));
        for (int i = 0; i < rows; i++) {
            String id = String.format(Locale.ROOT, "w-%05d", i);
            store.enrollments().insertEnrollment(INSTANCE, tagged(id, key, off.contains(id) ? "disabled" : "enabled",
                    "{\"site\":\"lab\",\"n\":" + (i % 2) + "}"));
        }
        assertThat(query("tags.site = 'lab' AND provisioningStatus = 'disabled'", null, 2))
                .containsExactly(off.get(0), off.get(1));
        assertThat(query("tags.site = 'lab' AND provisioningStatus = 'disabled'", off.get(1), 2))
                .containsExactly(off.get(2));
        assertThat(query("tags.site = 'lab' AND provisioningStatus = 'disabled' AND tags.n = 1", null, 10))
                .containsExactly(off.get(0), off.get(2));
        assertThat(query("tags.site = 'lab' AND tags.n = 0", "w-00997", 3))
                .containsExactly("w-00998", "w-01000", "w-01002");
        assertThat(query("tags.site = 'lab'", "w-00997", 3)).containsExactly("w-00998", "w-00999", "w-01000");
    }

    @Test
    void queryColumnsFollowReplacesOfGroupsToo() {
        EnrollmentGroup g = group("g1");
        store.enrollments().insertGroup(INSTANCE, g);
        var disabled = dev.muster.core.enrollment.EnrollmentQuery.parse(
                "SELECT * FROM enrollmentGroups WHERE provisioningStatus = 'disabled'", "enrollmentGroups");
        assertThat(store.enrollments().groups(INSTANCE, disabled, null, 10)).isEmpty();
        EnrollmentGroup off = new EnrollmentGroup(g.enrollmentGroupId(), g.attestation(), g.capabilities(),
                g.iotHubHostName(), g.initialTwin(), Ids.etag(), "disabled", g.reprovisionPolicy(),
                g.createdDateTimeUtc(), g.lastUpdatedDateTimeUtc(), g.allocationPolicy(), g.iotHubs(),
                g.customAllocationDefinition());
        assertThat(store.enrollments().replaceGroup(INSTANCE, off, g.etag())).isTrue();
        assertThat(groupIds(store.enrollments().groups(INSTANCE, disabled, null, 10))).containsExactly("g1");
    }

    @Test
    void rowsWrittenBeforeTheQueryColumnsAreFilledInByTheBackfillMigrations() throws SQLException {
        insertFilterFixtures();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE enrollments SET provisioning_status = NULL, tag_pairs = NULL");
            s.executeUpdate("DELETE FROM enrollment_tags");
            s.executeUpdate("DELETE FROM store_backfills");
        }
        Jdbc jdbc = new Jdbc(database.dataSource());
        new V7__Enrollment_query_columns(secrets).fill(jdbc);
        new V8__Enrollment_tag_index(secrets).fill(jdbc);
        Stores reopened = Stores.open(database, secrets);
        assertThat(ids(reopened.enrollments().enrollments(INSTANCE, dev.muster.core.enrollment.EnrollmentQuery.parse(
                "SELECT * FROM enrollments WHERE tags.building = '43' AND provisioningStatus = 'enabled'", "enrollments"),
                null, 10))).containsExactly("k1");
    }

    @Test
    void everyEnrollmentPresentThroughoutAPagedQueryIsSeenExactlyOnceWhileOthersComeAndGo() throws Exception {
        List<String> stable = IntStream.range(0, 300).mapToObj(i -> String.format(Locale.ROOT, "s-%04d", i * 2)).toList();
        for (String id : stable) {
            store.enrollments().insertEnrollment(INSTANCE, enrollment(id));
        }
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(3);
        List<Future<Integer>> churn = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int writer = w;
            churn.add(writers.submit(() -> {
                int n = 0;
                java.util.Random random = new java.util.Random(writer);
                while (reading.get()) {
                    // Odd numbers interleave with the stable IDs; some sort before, some after the cursor.
                    String id = String.format(Locale.ROOT, "s-%04d", random.nextInt(300) * 2 + 1);
                    if (!store.enrollments().insertEnrollment(INSTANCE, enrollment(id))) {
                        store.enrollments().deleteEnrollment(INSTANCE, id, null);
                    }
                    n++;
                }
                return n;
            }));
        }
        List<String> seen = new ArrayList<>();
        try {
            for (int pass = 0; pass < 3; pass++) {
                seen.clear();
                String after = null;
                List<IndividualEnrollment> page;
                do {
                    page = store.enrollments().enrollments(INSTANCE, dev.muster.core.enrollment.EnrollmentQuery.ALL, after, 17);
                    seen.addAll(ids(page));
                    after = page.isEmpty() ? after : page.get(page.size() - 1).registrationId();
                } while (page.size() == 17);
                assertThat(seen).as("no item twice").doesNotHaveDuplicates();
                assertThat(seen).as("in ID order").isSorted();
                assertThat(seen).as("every stable item").containsAll(stable);
            }
        } finally {
            reading.set(false);
            writers.shutdown();
        }
        int writes = 0;
        for (Future<Integer> f : churn) {
            writes += f.get();
        }
        assertThat(writes).as("the writers really ran during the reads").isPositive();
    }

    @Test
    void aLimitOfZeroReturnsNothing() {
        store.enrollments().insertEnrollment(INSTANCE, enrollment("dev1"));
        assertThat(store.enrollments().enrollments(INSTANCE, null, 0)).isEmpty();
    }

    @Test
    void concurrentEnrollmentInsertsOfOneIdLetExactlyOneWin() throws Exception {
        List<Boolean> results = concurrently(i -> store.enrollments().insertEnrollment(INSTANCE,
                enrollment(i % 2 == 0 ? "racer" : "RACER")));

        assertThat(results).filteredOn(r -> r).hasSize(1);
        assertThat(store.enrollments().enrollments(INSTANCE, null, 10)).hasSize(1);
    }

    @Test
    void concurrentEnrollmentReplacesOnOneEtagLetExactlyOneWin() throws Exception {
        IndividualEnrollment v1 = enrollment("racer");
        store.enrollments().insertEnrollment(INSTANCE, v1);
        List<Boolean> results = concurrently(i -> store.enrollments().replaceEnrollment(INSTANCE, enrollment("racer"), v1.etag()));

        assertThat(results).filteredOn(r -> r).hasSize(1);
    }

    // ---- enrollment groups -----------------------------------------------------------------------------------

    @Test
    void anInsertedGroupIsReturnedAsStoredUnderAnyCase() {
        EnrollmentGroup g = group("Floor-3");
        assertThat(store.enrollments().insertGroup(INSTANCE, g)).isTrue();

        assertThat(store.enrollments().group(INSTANCE, "floor-3")).contains(g);
        assertThat(store.enrollments().group(INSTANCE, "FLOOR-3")).contains(g);
        assertThat(store.enrollments().group(INSTANCE, "floor-4")).isEmpty();
        assertThat(store.enrollments().group(OTHER_INSTANCE, "floor-3")).isEmpty();
    }

    @Test
    void aDuplicateGroupIdIsRefused() {
        store.enrollments().insertGroup(INSTANCE, group("g1"));
        assertThat(store.enrollments().insertGroup(INSTANCE, group("G1"))).isFalse();
    }

    @Test
    void groupReplaceAndDeleteHonourTheEtag() {
        EnrollmentGroup v1 = group("g1");
        store.enrollments().insertGroup(INSTANCE, v1);
        EnrollmentGroup v2 = group("g1");

        assertThat(store.enrollments().replaceGroup(INSTANCE, v2, Ids.etag())).isFalse();
        assertThat(store.enrollments().replaceGroup(INSTANCE, v2, v1.etag())).isTrue();
        assertThat(store.enrollments().group(INSTANCE, "g1")).contains(v2);
        assertThat(store.enrollments().replaceGroup(INSTANCE, group("missing"), v1.etag())).isFalse();

        assertThat(store.enrollments().deleteGroup(INSTANCE, "G1", v1.etag())).isFalse();
        assertThat(store.enrollments().deleteGroup(INSTANCE, "G1", v2.etag())).isTrue();
        assertThat(store.enrollments().deleteGroup(INSTANCE, "g1", null)).isFalse();
        assertThat(store.enrollments().group(INSTANCE, "g1")).isEmpty();
    }

    @Test
    void groupDeleteWithoutEtagRemovesWhateverIsThere() {
        store.enrollments().insertGroup(INSTANCE, group("g1"));
        assertThat(store.enrollments().deleteGroup(INSTANCE, "g1", null)).isTrue();
    }

    @Test
    void groupsArePagedByLowerCasedId() {
        for (String id : List.of("g3", "G1", "g5", "g2", "G4")) {
            store.enrollments().insertGroup(INSTANCE, group(id));
        }
        assertThat(groupIds(store.enrollments().groups(INSTANCE, null, 2))).containsExactly("G1", "g2");
        store.enrollments().deleteGroup(INSTANCE, "g3", null);
        store.enrollments().insertGroup(INSTANCE, group("g2a"));
        assertThat(groupIds(store.enrollments().groups(INSTANCE, "G2", 2))).containsExactly("g2a", "G4");
        assertThat(groupIds(store.enrollments().groups(INSTANCE, "g4", 2))).containsExactly("g5");
        assertThat(store.enrollments().groups(INSTANCE, "g5", 2)).isEmpty();
    }

    @Test
    void groupsByAttestationSelectsOneTypeOfOneInstanceInIdOrder() {
        store.enrollments().insertGroup(INSTANCE, group("sym-b"));
        store.enrollments().insertGroup(INSTANCE, group("cert", x509()));
        store.enrollments().insertGroup(INSTANCE, group("Sym-a"));
        store.enrollments().insertGroup(OTHER_INSTANCE, group("sym-other"));

        assertThat(groupIds(store.enrollments().groupsByAttestation(INSTANCE, AttestationMechanism.SYMMETRIC_KEY)))
                .containsExactly("Sym-a", "sym-b");
        assertThat(groupIds(store.enrollments().groupsByAttestation(INSTANCE, "SYMMETRICKEY"))).containsExactly("Sym-a", "sym-b");
        assertThat(groupIds(store.enrollments().groupsByAttestation(INSTANCE, AttestationMechanism.X509))).containsExactly("cert");
        assertThat(store.enrollments().groupsByAttestation(INSTANCE, AttestationMechanism.TPM)).isEmpty();
        assertThat(store.enrollments().groupsByAttestation("nobody", AttestationMechanism.SYMMETRIC_KEY)).isEmpty();
    }

    @Test
    void replacingAGroupMovesItBetweenAttestationTypes() {
        EnrollmentGroup sym = group("g1");
        store.enrollments().insertGroup(INSTANCE, sym);
        store.enrollments().replaceGroup(INSTANCE, group("g1", x509()), sym.etag());

        assertThat(store.enrollments().groupsByAttestation(INSTANCE, AttestationMechanism.SYMMETRIC_KEY)).isEmpty();
        assertThat(groupIds(store.enrollments().groupsByAttestation(INSTANCE, AttestationMechanism.X509))).containsExactly("g1");
    }

    @Test
    void groupsAndIndividualEnrollmentsAreSeparateNamespaces() {
        store.enrollments().insertEnrollment(INSTANCE, enrollment("same"));
        assertThat(store.enrollments().insertGroup(INSTANCE, group("same"))).isTrue();
        assertThat(store.enrollments().deleteGroup(INSTANCE, "same", null)).isTrue();
        assertThat(store.enrollments().enrollment(INSTANCE, "same")).isPresent();
    }

    // ---- hub device claims -----------------------------------------------------------------------------------

    private static DeviceClaim claim(String hub, String deviceId, String scope) {
        return claim(hub, deviceId, scope, "2026-12-01T10:00:00.0000000Z");
    }

    private static DeviceClaim claim(String hub, String deviceId, String scope, String at) {
        return new DeviceClaim(hub, deviceId, scope, INSTANCE, "reg-" + deviceId.toLowerCase(Locale.ROOT), at);
    }

    @Test
    void theSweepReadsUnkeptClaimsInTimeOrderPageByPage() {
        String t1 = "2026-12-01T10:00:01.0000000Z";
        String t2 = "2026-12-01T10:00:02.0000000Z";
        store.deviceClaims().insertDeviceClaim(claim("hub-b.example.net", "d3", "0ne000000AA", t2));
        store.deviceClaims().insertDeviceClaim(claim("hub-b.example.net", "d1", "0ne000000AA", t1));
        store.deviceClaims().insertDeviceClaim(claim("hub-a.example.net", "d2", "0ne000000AA", t1));
        store.deviceClaims().insertDeviceClaim(claim("hub-a.example.net", "late", "0ne000000AA",
                "2026-12-01T10:00:09.0000000Z"));

        List<DeviceClaim> first = store.deviceClaims().claimsMadeUntil(null, t2, 2);
        assertThat(first).extracting(DeviceClaim::deviceId).containsExactly("d2", "d1");
        assertThat(store.deviceClaims().claimsMadeUntil(first.get(1), t2, 2)).extracting(DeviceClaim::deviceId)
                .containsExactly("d3");

        store.registrations().deleteRegistration(INSTANCE, "REG-D1", null);
        assertThat(store.deviceClaims().claimsMadeUntil(null, t2, 10)).extracting(DeviceClaim::deviceId)
                .containsExactly("d2", "d3");
        assertThat(store.deviceClaims().deviceClaim("hub-b.example.net", "d1")).isPresent();
    }

    @Test
    void deletingAGroupsRecordsKeepsTheClaimsOfTheirDevices() {
        store.registrations().saveRegistration(INSTANCE, registration("dev-1", "group-a"));
        store.deviceClaims().insertDeviceClaim(new DeviceClaim(HUB, "device-dev-1", "0ne000000AA", INSTANCE, "dev-1",
                "2026-12-01T10:00:00.0000000Z"));

        store.registrations().deleteRegistrationsOfEnrollment(INSTANCE, "GROUP-A", true);

        assertThat(store.deviceClaims().claimsMadeUntil(null, "9999", 10)).isEmpty();
        assertThat(store.deviceClaims().deviceClaim(HUB, "device-dev-1")).isPresent();
    }

    @Test
    void theSweepsMarkMovesOnlyFromWhereItWas() {
        assertThat(store.deviceClaims().sweptUntil("s")).isEmpty();
        assertThat(store.deviceClaims().advanceSweep("s", null, "2026-12-01T10:00:00.0000000Z")).isTrue();
        assertThat(store.deviceClaims().advanceSweep("s", null, "2026-12-01T11:00:00.0000000Z")).isFalse();
        assertThat(store.deviceClaims().advanceSweep("s", "2026-12-01T09:00:00.0000000Z", "x")).isFalse();
        assertThat(store.deviceClaims().advanceSweep("s", "2026-12-01T10:00:00.0000000Z",
                "2026-12-01T10:05:00.0000000Z")).isTrue();
        assertThat(store.deviceClaims().sweptUntil("s")).contains("2026-12-01T10:05:00.0000000Z");
    }

    @Test
    void aDeviceIsClaimedOnceWhateverTheHubNamesCaseButItsIdIsCaseSensitive() {
        assertThat(store.deviceClaims().insertDeviceClaim(claim("Hub-A.Example.NET", "dev-1", "0ne000000AA"))).isTrue();

        assertThat(store.deviceClaims().insertDeviceClaim(claim("hub-a.example.net", "dev-1", "0ne000000BB"))).isFalse();
        assertThat(store.deviceClaims().deviceClaim("HUB-A.example.net", "dev-1")).contains(
                claim("Hub-A.Example.NET", "dev-1", "0ne000000AA"));
        assertThat(store.deviceClaims().deviceClaim("hub-a.example.net", "DEV-1")).isEmpty();
        assertThat(store.deviceClaims().deviceClaim("hub-b.example.net", "dev-1")).isEmpty();
        assertThat(store.deviceClaims().insertDeviceClaim(claim("hub-a.example.net", "DEV-1", "0ne000000BB"))).isTrue();
    }

    @Test
    void onlyTheOwnerReleasesAClaim() {
        store.deviceClaims().insertDeviceClaim(claim(HUB, "dev-1", "0ne000000AA"));

        assertThat(store.deviceClaims().deleteDeviceClaim(HUB, "dev-1", "0ne000000BB")).isFalse();
        assertThat(store.deviceClaims().deviceClaim(HUB, "dev-1")).isPresent();
        assertThat(store.deviceClaims().deleteDeviceClaim(HUB.toUpperCase(Locale.ROOT), "dev-1", "0ne000000AA")).isTrue();
        assertThat(store.deviceClaims().deviceClaim(HUB, "dev-1")).isEmpty();
    }

    @Test
    void ofConcurrentClaimsOnOneDeviceExactlyOneWins() throws Exception {
        List<Boolean> won = concurrently(i -> store.deviceClaims().insertDeviceClaim(
                claim(HUB, "contested", String.format(Locale.ROOT, "0ne%08d", i))));
        assertThat(won.stream().filter(w -> w).count()).isEqualTo(1);
    }

    @Test
    void devicesAssignedBeforeClaimsExistedGoToTheInstanceThatRegisteredThemFirst() {
        store.instances().createInstance(instance(INSTANCE, "0ne000000AA", "contoso.example.net"));
        store.instances().createInstance(instance(OTHER_INSTANCE, "0ne000000BB", "fabrikam.example.net"));
        RegistrationRecord early = registration("dev-1", null);
        RegistrationRecord late = withCreated(registration("dev-1", null), "2024-06-01T10:00:00.0000000Z");
        store.registrations().saveRegistration(OTHER_INSTANCE, early);
        store.registrations().saveRegistration(INSTANCE, late);
        store.registrations().saveRegistration(INSTANCE, registration("dev-2", "group-a"));

        new V10__Hub_device_claims_from_registrations().fill(new Jdbc(database.dataSource()));

        assertThat(store.deviceClaims().deviceClaim(HUB, "device-dev-1").orElseThrow().ownerIdScope())
                .isEqualTo("0ne000000BB");
        assertThat(store.deviceClaims().deviceClaim(HUB, "device-dev-2").orElseThrow().ownerInstance())
                .isEqualTo(INSTANCE);
    }

    private static RegistrationRecord withCreated(RegistrationRecord r, String created) {
        DeviceRegistrationState s = r.state();
        return new RegistrationRecord(new DeviceRegistrationState(s.registrationId(), created, s.assignedHub(),
                s.deviceId(), s.status(), s.substatus(), s.errorCode(), s.errorMessage(), s.lastUpdatedDateTimeUtc(),
                s.etag(), s.payload(), s.symmetricKey(), s.x509(), s.tpm()), r.enrollmentGroupId(), r.initialHub());
    }

    // ---- registrations ---------------------------------------------------------------------------------------

    @Test
    void aSavedRecordIsReturnedAsStoredUnderAnyCase() {
        RegistrationRecord r = registration("Dev-1", "Group-A");
        store.registrations().saveRegistration(INSTANCE, r);

        assertThat(store.registrations().registration(INSTANCE, "dev-1")).contains(r);
        assertThat(store.registrations().registration(INSTANCE, "DEV-1")).contains(r);
        assertThat(store.registrations().registration(INSTANCE, "dev-2")).isEmpty();
        assertThat(store.registrations().registration(OTHER_INSTANCE, "dev-1")).isEmpty();
    }

    @Test
    void savingAgainReplacesTheRecord() {
        store.registrations().saveRegistration(INSTANCE, registration("dev-1", "group-a"));
        RegistrationRecord individual = registration("DEV-1", null);
        store.registrations().saveRegistration(INSTANCE, individual);

        assertThat(store.registrations().registration(INSTANCE, "dev-1")).contains(individual);
        assertThat(store.registrations().registrationsOfGroup(INSTANCE, "group-a", null, 10)).isEmpty();
    }

    @Test
    void concurrentSavesOfOneIdLeaveOneRecord() throws Exception {
        List<RegistrationRecord> records = IntStream.range(0, THREADS)
                .mapToObj(i -> registration("racer", null)).toList();
        concurrently(i -> {
            store.registrations().saveRegistration(INSTANCE, records.get(i));
            return null;
        });
        assertThat(records).contains(store.registrations().registration(INSTANCE, "racer").orElseThrow());
    }

    @Test
    void aConditionalSaveInsertsOnlyWhileNoRecordExists() {
        RegistrationRecord first = registration("Dev-1", null);
        assertThat(store.registrations().saveRegistrationIf(INSTANCE, first, null)).isTrue();

        assertThat(store.registrations().saveRegistrationIf(INSTANCE, registration("dev-1", "group-a"), null)).isFalse();
        assertThat(store.registrations().registration(INSTANCE, "dev-1")).contains(first);
        assertThat(store.registrations().saveRegistrationIf(OTHER_INSTANCE, registration("dev-1", null), null)).isTrue();
    }

    @Test
    void aConditionalSaveReplacesOnlyTheRecordItRead() {
        RegistrationRecord first = registration("dev-1", null);
        store.registrations().saveRegistration(INSTANCE, first);
        RegistrationRecord second = registration("dev-1", "group-a");

        assertThat(store.registrations().saveRegistrationIf(INSTANCE, second, Ids.etag())).isFalse();
        assertThat(store.registrations().saveRegistrationIf(INSTANCE, registration("dev-2", null), first.state().etag())).isFalse();
        assertThat(store.registrations().saveRegistrationIf(INSTANCE, second, first.state().etag())).isTrue();
        assertThat(store.registrations().saveRegistrationIf(INSTANCE, registration("dev-1", null), first.state().etag())).isFalse();
        assertThat(store.registrations().registration(INSTANCE, "dev-1")).contains(second);
        assertThat(registrationIds(store.registrations().registrationsOfGroup(INSTANCE, "group-a", null, 10))).containsExactly("dev-1");
    }

    @Test
    void concurrentFirstSavesOfOneIdLetExactlyOneThrough() throws Exception {
        List<RegistrationRecord> records = IntStream.range(0, THREADS)
                .mapToObj(i -> registration("racer", null)).toList();
        List<Boolean> won = concurrently(i -> store.registrations().saveRegistrationIf(INSTANCE, records.get(i), null));

        assertThat(won).containsOnlyOnce(true);
        assertThat(store.registrations().registration(INSTANCE, "racer")).contains(records.get(won.indexOf(true)));
    }

    @Test
    void concurrentReplacementsOfOneReadRecordLetExactlyOneThrough() throws Exception {
        RegistrationRecord read = registration("racer", null);
        store.registrations().saveRegistration(INSTANCE, read);
        List<RegistrationRecord> records = IntStream.range(0, THREADS)
                .mapToObj(i -> registration("racer", null)).toList();
        List<Boolean> won = concurrently(i -> store.registrations().saveRegistrationIf(INSTANCE, records.get(i), read.state().etag()));

        assertThat(won).containsOnlyOnce(true);
        assertThat(store.registrations().registration(INSTANCE, "racer")).contains(records.get(won.indexOf(true)));
    }

    @Test
    void registrationDeleteHonoursTheEtagAndReportsMissing() {
        RegistrationRecord r = registration("dev-1", null);
        store.registrations().saveRegistration(INSTANCE, r);

        assertThat(store.registrations().deleteRegistration(INSTANCE, "dev-1", Ids.etag())).isFalse();
        assertThat(store.registrations().deleteRegistration(INSTANCE, "DEV-1", r.state().etag())).isTrue();
        assertThat(store.registrations().registration(INSTANCE, "dev-1")).isEmpty();
        assertThat(store.registrations().deleteRegistration(INSTANCE, "dev-1", null)).isFalse();

        store.registrations().saveRegistration(INSTANCE, r);
        assertThat(store.registrations().deleteRegistration(INSTANCE, "Dev-1", null)).isTrue();
    }

    @Test
    void aGroupsRecordsArePagedByLowerCasedId() {
        for (String id : List.of("d3", "D1", "d5", "d2", "D4")) {
            store.registrations().saveRegistration(INSTANCE, registration(id, "Group-A"));
        }
        store.registrations().saveRegistration(INSTANCE, registration("d0", "group-b"));
        store.registrations().saveRegistration(INSTANCE, registration("d00", null));
        store.registrations().saveRegistration(OTHER_INSTANCE, registration("d1", "group-a"));

        assertThat(registrationIds(store.registrations().registrationsOfGroup(INSTANCE, "GROUP-A", null, 2))).containsExactly("D1", "d2");
        store.registrations().deleteRegistration(INSTANCE, "d3", null);
        store.registrations().saveRegistration(INSTANCE, registration("d2b", "group-a"));
        assertThat(registrationIds(store.registrations().registrationsOfGroup(INSTANCE, "group-a", "D2", 2)))
                .containsExactly("d2b", "D4");
        assertThat(registrationIds(store.registrations().registrationsOfGroup(INSTANCE, "group-a", "d4", 2))).containsExactly("d5");
        assertThat(store.registrations().registrationsOfGroup(INSTANCE, "group-a", "d5", 2)).isEmpty();
        assertThat(store.registrations().registrationsOfGroup(INSTANCE, "group-c", null, 2)).isEmpty();
    }

    @Test
    void deletingAnIndividualEnrollmentsRecordsSparesGroupRecords() {
        store.registrations().saveRegistration(INSTANCE, registration("solo", null));
        store.registrations().saveRegistration(INSTANCE, registration("grouped", "group-a"));

        assertThat(store.registrations().deleteRegistrationsOfEnrollment(INSTANCE, "GROUPED", false)).isZero();
        assertThat(store.registrations().registration(INSTANCE, "grouped")).isPresent();
        assertThat(store.registrations().deleteRegistrationsOfEnrollment(INSTANCE, "SOLO", false)).isEqualTo(1);
        assertThat(store.registrations().registration(INSTANCE, "solo")).isEmpty();
        assertThat(store.registrations().deleteRegistrationsOfEnrollment(INSTANCE, "solo", false)).isZero();
    }

    @Test
    void deletingAGroupsRecordsRemovesAllOfThatGroupOnly() {
        for (String id : List.of("a1", "a2", "a3")) {
            store.registrations().saveRegistration(INSTANCE, registration(id, "Group-A"));
        }
        store.registrations().saveRegistration(INSTANCE, registration("b1", "group-b"));
        store.registrations().saveRegistration(INSTANCE, registration("group-a", null));
        store.registrations().saveRegistration(OTHER_INSTANCE, registration("a1", "group-a"));

        assertThat(store.registrations().deleteRegistrationsOfEnrollment(INSTANCE, "GROUP-A", true)).isEqualTo(3);
        assertThat(store.registrations().registrationsOfGroup(INSTANCE, "group-a", null, 10)).isEmpty();
        assertThat(store.registrations().registration(INSTANCE, "b1")).isPresent();
        assertThat(store.registrations().registration(INSTANCE, "group-a")).as("individual record named like the group").isPresent();
        assertThat(store.registrations().registration(OTHER_INSTANCE, "a1")).isPresent();
        assertThat(store.registrations().deleteRegistrationsOfEnrollment(INSTANCE, "group-a", true)).isZero();
    }

    // ---- operations ------------------------------------------------------------------------------------------

    @Test
    void aSavedOperationIsReturnedAsStored() {
        RegistrationOperation op = succeeded("5.0000018f00000000.op-1", "Dev-1", micros(Instant.now()));
        store.operations().saveOperation(INSTANCE, op);

        assertThat(store.operations().operation(INSTANCE, op.operationId())).contains(op);
        assertThat(store.operations().operation(INSTANCE, "5.0000018f00000000.op-2")).isEmpty();
        assertThat(store.operations().operation(OTHER_INSTANCE, op.operationId())).isEmpty();
    }

    @Test
    void savingAnOperationAgainReplacesIt() {
        Instant t = micros(Instant.parse("2024-05-01T10:00:00.123456Z"));
        store.operations().saveOperation(INSTANCE, succeeded("op-1", "dev-1", t));
        RegistrationOperation failure = failed("op-1", "dev-1", t, "the SAS token expired");
        store.operations().saveOperation(INSTANCE, failure);

        assertThat(store.operations().operation(INSTANCE, "op-1")).contains(failure);
        assertThat(store.operations().failedOperations(INSTANCE, "dev-1", 10)).containsExactly(failure);
    }

    @Test
    void failedOperationsAreNewestFirstAndLimited() {
        Instant t0 = Instant.parse("2024-05-01T10:00:00Z");
        RegistrationOperation oldest = failed("op-1", "Dev-1", t0, "bad key");
        RegistrationOperation middle = failed("op-2", "dev-1", t0.plusSeconds(60), "expired");
        RegistrationOperation newest = failed("op-3", "DEV-1", t0.plusSeconds(120), "wrong resource");
        store.operations().saveOperation(INSTANCE, middle);
        store.operations().saveOperation(INSTANCE, newest);
        store.operations().saveOperation(INSTANCE, oldest);
        store.operations().saveOperation(INSTANCE, succeeded("op-4", "dev-1", t0.plusSeconds(180)));
        store.operations().saveOperation(INSTANCE, failed("op-5", "dev-2", t0.plusSeconds(240), "other device"));
        store.operations().saveOperation(OTHER_INSTANCE, failed("op-6", "dev-1", t0.plusSeconds(300), "other instance"));

        assertThat(store.operations().failedOperations(INSTANCE, "dev-1", 10)).containsExactly(newest, middle, oldest);
        assertThat(store.operations().failedOperations(INSTANCE, "Dev-1", 2)).containsExactly(newest, middle);
        assertThat(store.operations().failedOperations(INSTANCE, "dev-1", 0)).isEmpty();
        assertThat(store.operations().failedOperations(INSTANCE, "dev-9", 10)).isEmpty();
    }

    @Test
    void aDisabledOutcomeCountsAsFailed() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        RegistrationOperation disabled = new RegistrationOperation("op-d", "dev-1",
                new RegistrationOperationStatus("op-d", DeviceRegistrationState.DISABLED,
                        null), null, t);
        store.operations().saveOperation(INSTANCE, disabled);
        assertThat(store.operations().failedOperations(INSTANCE, "dev-1", 10)).containsExactly(disabled);
    }

    // ---- linked hubs -----------------------------------------------------------------------------------------

    @Test
    void savedHubsAreListedByHostName() {
        LinkedHub b = linkedHub("b-hub.azure-devices.net", 2);
        LinkedHub a = linkedHub("A-Hub.azure-devices.net", 1);
        store.linkedHubs().saveLinkedHub(INSTANCE, b);
        store.linkedHubs().saveLinkedHub(INSTANCE, a);
        store.linkedHubs().saveLinkedHub(OTHER_INSTANCE, linkedHub("c-hub.azure-devices.net", 1));

        assertThat(store.linkedHubs().linkedHubs(INSTANCE)).containsExactly(a, b);
        assertThat(store.linkedHubs().linkedHubs("nobody")).isEmpty();
    }

    @Test
    void savingTheSameHostInAnyCaseReplacesTheLink() {
        store.linkedHubs().saveLinkedHub(INSTANCE, linkedHub("hub.azure-devices.net", 1));
        LinkedHub updated = new LinkedHub("HUB.azure-devices.net", "HostName=HUB.azure-devices.net;x=y", 5, false);
        store.linkedHubs().saveLinkedHub(INSTANCE, updated);

        assertThat(store.linkedHubs().linkedHubs(INSTANCE)).containsExactly(updated);
    }

    @Test
    void removeReportsWhetherALinkWasThere() {
        store.linkedHubs().saveLinkedHub(INSTANCE, linkedHub("hub.azure-devices.net", 1));

        assertThat(store.linkedHubs().removeLinkedHub(OTHER_INSTANCE, "hub.azure-devices.net")).isFalse();
        assertThat(store.linkedHubs().removeLinkedHub(INSTANCE, "Hub.Azure-Devices.net")).isTrue();
        assertThat(store.linkedHubs().removeLinkedHub(INSTANCE, "hub.azure-devices.net")).isFalse();
        assertThat(store.linkedHubs().linkedHubs(INSTANCE)).isEmpty();
    }

    // ---- usage -----------------------------------------------------------------------------------------------

    @Test
    void usageAddedToOneMinuteAccumulates() {
        store.usage().addUsage(INSTANCE, OperationKind.REGISTRATION, MINUTE, 3);
        store.usage().addUsage(INSTANCE, OperationKind.REGISTRATION, MINUTE, 4);
        store.usage().addUsage(INSTANCE, OperationKind.FAILED_REGISTRATION, MINUTE, 1);

        assertThat(store.usage().usageSince(INSTANCE, MINUTE)).isEqualTo(Map.of(
                OperationKind.REGISTRATION, 7L, OperationKind.FAILED_REGISTRATION, 1L));
    }

    @Test
    void usageSinceSumsOnlyMinutesFromThatTimeOn() {
        store.usage().addUsage(INSTANCE, OperationKind.REGISTRATION, MINUTE.minusSeconds(120), 100);
        store.usage().addUsage(INSTANCE, OperationKind.REGISTRATION, MINUTE, 2);
        store.usage().addUsage(INSTANCE, OperationKind.REGISTRATION, MINUTE.plusSeconds(60), 5);
        store.usage().addUsage(INSTANCE, OperationKind.ENROLLMENT_CREATE, MINUTE.plusSeconds(3600), 1);
        store.usage().addUsage(OTHER_INSTANCE, OperationKind.REGISTRATION, MINUTE, 1000);

        assertThat(store.usage().usageSince(INSTANCE, MINUTE)).isEqualTo(Map.of(
                OperationKind.REGISTRATION, 7L, OperationKind.ENROLLMENT_CREATE, 1L));
        assertThat(store.usage().usageSince(INSTANCE, MINUTE.plusSeconds(61)))
                .isEqualTo(Map.of(OperationKind.ENROLLMENT_CREATE, 1L));
        assertThat(store.usage().usageSince(INSTANCE, MINUTE.plusSeconds(7200))).isEmpty();
        assertThat(store.usage().usageSince("nobody", MINUTE)).isEmpty();
    }

    @Test
    void concurrentUsageAdditionsAreAllCounted() throws Exception {
        concurrently(i -> {
            for (int n = 0; n < 25; n++) {
                store.usage().addUsage(INSTANCE, OperationKind.RE_REGISTRATION, MINUTE, 2);
            }
            return null;
        });
        assertThat(store.usage().usageSince(INSTANCE, MINUTE)).containsEntry(OperationKind.RE_REGISTRATION, THREADS * 25 * 2L);
    }

    // ---- built-in hubs ---------------------------------------------------------------------------------------

    @Test
    void builtInHubsAreCreatedOncePerHostName() {
        var b = builtInHub("b.hub.local");
        var a = builtInHub("A.hub.local");
        assertThat(store.hubs().createBuiltInHub(b)).isTrue();
        assertThat(store.hubs().createBuiltInHub(a)).isTrue();
        assertThat(store.hubs().createBuiltInHub(builtInHub("B.HUB.local"))).isFalse();

        assertThat(store.hubs().builtInHubs()).containsExactly(a, b);
    }

    @Test
    void anInsertedDeviceComesWithItsTwin() {
        HubDevice d = device("dev-1");
        DeviceTwin t = twin("dev-1");
        assertThat(store.hubs().insertDevice(HUB, d, t)).isTrue();

        assertThat(store.hubs().device(HUB, "dev-1")).contains(d);
        assertThat(store.hubs().twin(HUB, "dev-1")).contains(t);
        assertThat(store.hubs().device(HUB.toUpperCase(Locale.ROOT), "dev-1")).as("hub host is case-insensitive").contains(d);
        assertThat(store.hubs().device("other.hub.local", "dev-1")).isEmpty();
        assertThat(store.hubs().twin("other.hub.local", "dev-1")).isEmpty();
    }

    @Test
    void deviceIdsAreCaseSensitive() {
        HubDevice lower = device("dev-1");
        HubDevice upper = device("DEV-1");
        assertThat(store.hubs().insertDevice(HUB, lower, twin("dev-1"))).isTrue();
        assertThat(store.hubs().insertDevice(HUB, upper, twin("DEV-1"))).isTrue();

        assertThat(store.hubs().device(HUB, "dev-1")).contains(lower);
        assertThat(store.hubs().device(HUB, "DEV-1")).contains(upper);
        assertThat(store.hubs().device(HUB, "Dev-1")).isEmpty();
        assertThat(store.hubs().deviceCount(HUB)).isEqualTo(2);
    }

    @Test
    void aDuplicateDeviceIsRefusedAndLeavesTheFirstTwinAlone() {
        DeviceTwin t = twin("dev-1");
        store.hubs().insertDevice(HUB, device("dev-1"), t);
        for (int i = 0; i < 30; i++) {
            assertThat(store.hubs().insertDevice(HUB, device("dev-1"), twin("dev-1"))).isFalse();
        }
        assertThat(store.hubs().twin(HUB, "dev-1")).contains(t);
        assertThat(store.hubs().insertDevice(HUB, device("dev-2"), twin("dev-2"))).as("connections still usable").isTrue();
    }

    @Test
    void aDeviceWhoseTwinCannotBeWrittenIsNotInserted() throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO hub_twins (hub_key, device_id, version, etag, doc)"
                    + " VALUES ('" + HUB + "', 'orphan', 1, 'e', '{}')");
        }
        assertThat(store.hubs().insertDevice(HUB, device("orphan"), twin("orphan"))).isFalse();
        assertThat(store.hubs().device(HUB, "orphan")).as("rolled back with the twin").isEmpty();
    }

    @Test
    void concurrentInsertsOfOneDeviceLetExactlyOneWin() throws Exception {
        List<Boolean> results = concurrently(i -> store.hubs().insertDevice(HUB, device("racer"), twin("racer")));
        assertThat(results).filteredOn(r -> r).hasSize(1);
        assertThat(store.hubs().deviceCount(HUB)).isEqualTo(1);
    }

    @Test
    void replaceDeviceSwapsOnlyOnTheExpectedEtag() {
        HubDevice v1 = device("dev-1");
        store.hubs().insertDevice(HUB, v1, twin("dev-1"));
        HubDevice v2 = device("dev-1");

        assertThat(store.hubs().replaceDevice(HUB, v2, Ids.etag())).isFalse();
        assertThat(store.hubs().replaceDevice(HUB, device("DEV-1"), v1.etag())).as("other case is another device").isFalse();
        assertThat(store.hubs().replaceDevice(HUB, v2, v1.etag())).isTrue();
        assertThat(store.hubs().device(HUB, "dev-1")).contains(v2);
        assertThat(store.hubs().replaceDevice(HUB, device("dev-1"), v1.etag())).as("stale").isFalse();
        assertThat(store.hubs().replaceDevice(HUB, device("ghost"), v1.etag())).isFalse();
    }

    @Test
    void deleteDeviceRemovesTheTwinAndHonoursTheEtag() {
        HubDevice d = device("dev-1");
        store.hubs().insertDevice(HUB, d, twin("dev-1"));

        assertThat(store.hubs().deleteDevice(HUB, "dev-1", Ids.etag())).isFalse();
        assertThat(store.hubs().twin(HUB, "dev-1")).isPresent();
        assertThat(store.hubs().deleteDevice(HUB, "DEV-1", null)).isFalse();
        assertThat(store.hubs().deleteDevice(HUB, "dev-1", d.etag())).isTrue();
        assertThat(store.hubs().device(HUB, "dev-1")).isEmpty();
        assertThat(store.hubs().twin(HUB, "dev-1")).isEmpty();
        assertThat(store.hubs().deleteDevice(HUB, "dev-1", null)).isFalse();

        assertThat(store.hubs().insertDevice(HUB, device("dev-1"), twin("dev-1"))).as("the ID is free again").isTrue();
        assertThat(store.hubs().deleteDevice(HUB, "dev-1", null)).isTrue();
        assertThat(store.hubs().twin(HUB, "dev-1")).isEmpty();
    }

    @Test
    void twinsAreSwappedOnTheirVersion() {
        DeviceTwin v1 = twin("dev-1");
        store.hubs().insertDevice(HUB, device("dev-1"), v1);
        DeviceTwin v2 = nextTwin(v1, "temperature", 21);

        assertThat(store.hubs().replaceTwin(HUB, v2, v1.version() + 5)).isFalse();
        assertThat(store.hubs().replaceTwin(HUB, v2, v1.version())).isTrue();
        assertThat(store.hubs().twin(HUB, "dev-1")).contains(v2);

        DeviceTwin stale = nextTwin(v1, "temperature", 99);
        assertThat(store.hubs().replaceTwin(HUB, stale, v1.version())).as("stale version").isFalse();
        assertThat(store.hubs().twin(HUB, "dev-1")).contains(v2);
        assertThat(store.hubs().replaceTwin(HUB, twin("ghost"), 1)).isFalse();
    }

    @Test
    void concurrentTwinSwapsOnOneVersionLetExactlyOneWin() throws Exception {
        DeviceTwin v1 = twin("dev-1");
        store.hubs().insertDevice(HUB, device("dev-1"), v1);
        List<Boolean> results = concurrently(i -> store.hubs().replaceTwin(HUB, nextTwin(v1, "writer", i), v1.version()));

        assertThat(results).filteredOn(r -> r).hasSize(1);
        assertThat(store.hubs().twin(HUB, "dev-1").orElseThrow().version()).isEqualTo(v1.version() + 1);
    }

    @Test
    void deviceCountCountsOneHub() {
        assertThat(store.hubs().deviceCount(HUB)).isZero();
        for (int i = 0; i < 5; i++) {
            store.hubs().insertDevice(HUB, device("d" + i), twin("d" + i));
        }
        store.hubs().insertDevice("other.hub.local", device("x"), twin("x"));
        store.hubs().deleteDevice(HUB, "d0", null);

        assertThat(store.hubs().deviceCount(HUB)).isEqualTo(4);
        assertThat(store.hubs().deviceCount(HUB.toUpperCase(Locale.ROOT))).isEqualTo(4);
        assertThat(store.hubs().deviceCount("other.hub.local")).isEqualTo(1);
    }

    @Test
    void theRegistryIsListedInPagesInDeviceIdOrderAfterTheLastIdSeen() {
        for (String id : List.of("b-2", "B-1", "a-10", "a-9", "c")) {
            store.hubs().insertDevice(HUB, device(id), twin(id));
        }
        store.hubs().insertDevice("other.hub.local", device("a-0"), twin("a-0"));

        List<String> first = store.hubs().devicesAfter(HUB, null, 2).stream().map(HubDevice::deviceId).toList();
        List<String> second = store.hubs().devicesAfter(HUB, first.get(1), 2).stream().map(HubDevice::deviceId).toList();
        List<String> last = store.hubs().devicesAfter(HUB.toUpperCase(Locale.ROOT), second.get(1), 2).stream()
                .map(HubDevice::deviceId).toList();

        assertThat(first).as("byte order: upper case first, 'a-10' before 'a-9'").containsExactly("B-1", "a-10");
        assertThat(second).containsExactly("a-9", "b-2");
        assertThat(last).containsExactly("c");
        assertThat(store.hubs().devicesAfter(HUB, "c", 2)).isEmpty();
        assertThat(store.hubs().devicesAfter(HUB, null, 10)).first().as("the whole sealed document")
                .isEqualTo(store.hubs().device(HUB, "B-1").orElseThrow());
    }

    @Test
    void registryPagesComeWithEachDevicesOwnTwin() {
        for (String id : List.of("q-3", "q-1", "q-2")) {
            store.hubs().insertDevice(HUB, device(id), nextTwin(twin(id), "name", id.charAt(2) - '0'));
        }
        store.hubs().deleteDevice(HUB, "q-2", null);

        List<DeviceWithTwin> page = store.hubs().devicesWithTwinsAfter(HUB, "q-0", 10);

        assertThat(page).extracting(p -> p.device().deviceId()).containsExactly("q-1", "q-3");
        assertThat(page).allSatisfy(p -> assertThat(p.twin().deviceId()).isEqualTo(p.device().deviceId()));
        assertThat(page.get(1).twin().reported().path("name").asInt()).isEqualTo(3);
        assertThat(store.hubs().devicesWithTwinsAfter(HUB, null, 1)).extracting(p -> p.device().deviceId())
                .containsExactly("q-1");
        assertThat(store.hubs().devicesWithTwinsAfter("other.hub.local", null, 10)).isEmpty();
    }

    private static HubDevice disabled(HubDevice d) {
        return d.withServerFields(d.generationId(), Ids.etag(), "disabled", d.statusUpdatedTime(), d.authentication(),
                d.capabilities());
    }

    @Test
    void disabledDevicesAreCountedAsTheyAreCreatedReplacedAndDeleted() {
        store.hubs().insertDevice(HUB, disabled(device("off")), twin("off"));
        HubDevice on = device("on");
        store.hubs().insertDevice(HUB, on, twin("on"));
        assertThat(store.hubs().disabledDeviceCount(HUB)).isEqualTo(1);

        assertThat(store.hubs().replaceDevice(HUB, disabled(on), on.etag())).isTrue();
        assertThat(store.hubs().disabledDeviceCount(HUB.toUpperCase(Locale.ROOT))).isEqualTo(2);
        store.hubs().deleteDevice(HUB, "off", null);
        assertThat(store.hubs().disabledDeviceCount(HUB)).isEqualTo(1);
        assertThat(store.hubs().disabledDeviceCount("other.hub.local")).isZero();
    }

    @Test
    void devicesWrittenBeforeTheStatusColumnGetItFromTheirDocuments() throws SQLException {
        store.hubs().insertDevice(HUB, disabled(device("off")), twin("off"));
        store.hubs().insertDevice(HUB, device("on"), twin("on"));
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE hub_devices SET status = NULL");
        }
        new V12__Hub_device_status_from_documents(secrets).fill(new Jdbc(database.dataSource()));
        assertThat(store.hubs().disabledDeviceCount(HUB)).isEqualTo(1);
        assertThatThrownBy(() -> {
            try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE hub_devices SET status = NULL");
            }
            new V12__Hub_device_status_from_documents(null).fill(new Jdbc(database.dataSource()));
        }).hasMessageContaining("secret key");
    }

    // ---- CA certificates of instances (X.509) ------------------------------------------------------------

    static CaCertificate caCertificate(String name, String etag, boolean verified, String code) {
        return new CaCertificate(name, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                "CN=" + name + ", O=Muster", "AB".repeat(20), "CD".repeat(32), "2024-01-01T00:00:00Z",
                "2034-01-01T00:00:00Z", verified, code, etag, "2024-05-01T10:00:00.0000000Z",
                "2024-05-01T10:00:00.0000000Z");
    }

    @Test
    void caCertificatesAreKeptPerInstanceUnderCaseInsensitiveNames() {
        CaCertificate root = caCertificate("Fleet-Root", "e1", false, "0A1B2C");
        assertThat(store.certificates().insertCertificate(INSTANCE, root)).isTrue();
        assertThat(store.certificates().insertCertificate(INSTANCE, caCertificate("fleet-root", "e9", true, null))).isFalse();
        assertThat(store.certificates().certificate(INSTANCE, "FLEET-ROOT")).contains(root);
        assertThat(store.certificates().certificate(OTHER_INSTANCE, "fleet-root")).isEmpty();
        assertThat(store.certificates().certificate(INSTANCE, "fleet-root").orElseThrow().isVerified()).isFalse();
        store.certificates().insertCertificate(INSTANCE, caCertificate("b-intermediate", "e2", true, null));
        store.certificates().insertCertificate(OTHER_INSTANCE, caCertificate("other", "e3", true, null));
        assertThat(store.certificates().certificates(INSTANCE)).extracting(CaCertificate::name)
                .containsExactly("b-intermediate", "Fleet-Root");
    }

    @Test
    void caCertificatesAreSwappedAndDeletedOnTheirEtag() {
        store.certificates().insertCertificate(INSTANCE, caCertificate("root", "e1", false, "CODE"));
        CaCertificate verified = caCertificate("root", "e2", true, null);
        assertThat(store.certificates().replaceCertificate(INSTANCE, verified, "stale")).isFalse();
        assertThat(store.certificates().replaceCertificate(INSTANCE, verified, "e1")).isTrue();
        assertThat(store.certificates().certificate(INSTANCE, "root")).contains(verified);
        assertThat(store.certificates().replaceCertificate(INSTANCE, caCertificate("ghost", "e1", true, null), "e1")).isFalse();
        assertThat(store.certificates().deleteCertificate(INSTANCE, "root", "e1")).isFalse();
        assertThat(store.certificates().deleteCertificate(INSTANCE, "ROOT", "e2")).isTrue();
        assertThat(store.certificates().deleteCertificate(INSTANCE, "root", null)).isFalse();
        store.certificates().insertCertificate(INSTANCE, caCertificate("again", "e5", false, null));
        assertThat(store.certificates().deleteCertificate(INSTANCE, "again", null)).isTrue();
        assertThat(store.certificates().certificates(INSTANCE)).isEmpty();
    }

    @Test
    void concurrentCaCertificateSwapsOnOneEtagLetExactlyOneWin() throws Exception {
        store.certificates().insertCertificate(INSTANCE, caCertificate("root", "e0", false, null));
        List<Boolean> results = concurrently(i -> store.certificates().replaceCertificate(INSTANCE,
                caCertificate("root", "w" + i, true, null), "e0"));
        assertThat(results).filteredOn(r -> r).hasSize(1);
    }

    @Test
    void hubsTrustCaCertificatesOncePerThumbprint() {
        TrustedCertificate a = new TrustedCertificate("AA".repeat(32), "CN=a", "PEM-A", "2024-05-01T10:00:00Z");
        TrustedCertificate b = new TrustedCertificate("BB".repeat(32), "CN=b", "PEM-B", "2024-05-01T10:00:01Z");
        assertThat(store.hubs().trustedCertificates(HUB)).isEmpty();
        assertThat(store.hubs().addTrustedCertificate(HUB, a)).isTrue();
        assertThat(store.hubs().addTrustedCertificate(HUB.toUpperCase(Locale.ROOT), a)).isFalse();
        assertThat(store.hubs().addTrustedCertificate(HUB, b)).isTrue();
        assertThat(store.hubs().addTrustedCertificate("other.hub.local", b)).isTrue();
        assertThat(store.hubs().trustedCertificates(HUB)).containsExactly(a, b);
        assertThat(store.hubs().removeTrustedCertificate(HUB, a.sha256Thumbprint())).isTrue();
        assertThat(store.hubs().removeTrustedCertificate(HUB, a.sha256Thumbprint())).isFalse();
        assertThat(store.hubs().trustedCertificates(HUB)).containsExactly(b);
        assertThat(store.hubs().trustedCertificates("other.hub.local")).containsExactly(b);
    }

    // ---- instance settings, policies and deletion -------------------------------------------------------------

    @Test
    void anUpdateChangesSettingsButNeverIdentityAndKeepsPolicyKeysSealed() throws SQLException {
        ProvisioningInstance created = instance(INSTANCE, "0ne00000001", "contoso.example.net");
        store.instances().createInstance(created);
        String secret = Ids.policyKey();
        dev.muster.core.instance.SharedAccessPolicy extra = new dev.muster.core.instance.SharedAccessPolicy("ops",
                secret, secret, java.util.EnumSet.of(dev.muster.core.instance.AccessRight.EnrollmentWrite));

        ProvisioningInstance updated = store.instances().updateInstance(INSTANCE, i -> new ProvisioningInstance("renamed",
                "0ne0000ffff", "other.example.net", "geoLatency", List.of(i.policies().get(0), extra),
                new dev.muster.core.instance.Quotas(10, null, 500))).orElseThrow();

        assertThat(updated.name()).isEqualTo(INSTANCE);
        assertThat(updated.idScope()).isEqualTo("0ne00000001");
        assertThat(updated.serviceHostName()).isEqualTo("contoso.example.net");
        assertThat(store.instances().instanceByName(INSTANCE)).contains(updated);
        assertThat(updated.quotas()).isEqualTo(new dev.muster.core.instance.Quotas(10, null, 500));
        assertThat(store.instances().updateInstance("nobody", i -> i)).isEmpty();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT policies FROM instances");
            rs.next();
            assertThat(rs.getString(1)).doesNotContain(secret).startsWith("enc:v1:");
        }
    }

    @Test
    void concurrentPolicyChangesAreAllKept() throws Exception {
        store.instances().createInstance(instance(INSTANCE, "0ne00000001", "contoso.example.net"));

        concurrently(n -> store.instances().updateInstance(INSTANCE, i -> {
            List<dev.muster.core.instance.SharedAccessPolicy> next = new ArrayList<>(i.policies());
            next.add(new dev.muster.core.instance.SharedAccessPolicy("p" + n, Ids.policyKey(), null,
                    java.util.EnumSet.of(dev.muster.core.instance.AccessRight.EnrollmentRead)));
            return i.withPolicies(next);
        }));

        assertThat(store.instances().instanceByName(INSTANCE).orElseThrow().policies()).hasSize(2 + THREADS);
    }

    @Test
    void deletingAnInstanceRemovesAllItsDataAndNothingElse() throws SQLException {
        for (String name : List.of(INSTANCE, OTHER_INSTANCE)) {
            store.instances().createInstance(instance(name, name.equals(INSTANCE) ? "0ne00000001" : "0ne00000002", name + ".example.net"));
            store.enrollments().insertEnrollment(name, tagged("dev-1", x509(), "enabled", "{\"building\":\"43\"}"));
            store.enrollments().insertGroup(name, group("grp-1"));
            store.registrations().saveRegistration(name, registration("dev-1", null));
            store.operations().saveOperation(name, failed("op-1", "dev-1", MINUTE, "bad key"));
            store.linkedHubs().saveLinkedHub(name, linkedHub(HUB, 1));
            store.usage().addUsage(name, OperationKind.REGISTRATION, MINUTE, 1);
            store.usage().addFailures(name, "unauthorized", MINUTE, 1);
            store.quotas().tryCount(name, "registrations", MINUTE, 5);
        }

        assertThat(store.instances().deleteInstance(INSTANCE)).isTrue();

        assertThat(store.instances().instanceByName(INSTANCE)).isEmpty();
        assertThat(store.enrollments().enrollment(INSTANCE, "dev-1")).isEmpty();
        assertThat(store.enrollments().group(INSTANCE, "grp-1")).isEmpty();
        assertThat(store.registrations().registration(INSTANCE, "dev-1")).isEmpty();
        assertThat(store.operations().operation(INSTANCE, "op-1")).isEmpty();
        assertThat(store.linkedHubs().linkedHubs(INSTANCE)).isEmpty();
        assertThat(store.usage().usageSince(INSTANCE, MINUTE)).isEmpty();
        assertThat(store.usage().failuresSince(INSTANCE, MINUTE)).isEmpty();
        assertThat(store.quotas().enrollmentCount(OTHER_INSTANCE)).isEqualTo(2);
        assertThat(store.registrations().registration(OTHER_INSTANCE, "dev-1")).isPresent();
        assertThat(store.usage().usageSince(OTHER_INSTANCE, MINUTE)).containsEntry(OperationKind.REGISTRATION, 1L);
        assertThat(tagRows("instance = '" + INSTANCE + "'")).as("its tag index rows").isZero();
        assertThat(tagRows("instance = '" + OTHER_INSTANCE + "'")).isPositive();
        assertThat(store.instances().deleteInstance(INSTANCE)).isFalse();
    }

    // ---- metering and quotas ---------------------------------------------------------------------------------

    @Test
    void usageByMinuteAndFailuresByReasonAreKeptPerInstance() {
        store.usage().addUsage(INSTANCE, OperationKind.REGISTRATION, MINUTE.minusSeconds(60), 9);
        store.usage().addUsage(INSTANCE, OperationKind.REGISTRATION, MINUTE, 2);
        store.usage().addUsage(INSTANCE, OperationKind.ENROLLMENT_CREATE, MINUTE, 1);
        store.usage().addUsage(INSTANCE, OperationKind.REGISTRATION, MINUTE.plusSeconds(120), 3);
        store.usage().addUsage(OTHER_INSTANCE, OperationKind.REGISTRATION, MINUTE, 100);
        store.usage().addFailures(INSTANCE, "unauthorized", MINUTE, 2);
        store.usage().addFailures(INSTANCE, "unauthorized", MINUTE.plusSeconds(60), 1);
        store.usage().addFailures(INSTANCE, "quotaExceeded", MINUTE.minusSeconds(60), 7);

        assertThat(store.usage().usageByMinute(INSTANCE, MINUTE)).containsExactly(
                new dev.muster.core.operations.UsageStore.MinuteCount(MINUTE, OperationKind.ENROLLMENT_CREATE, 1),
                new dev.muster.core.operations.UsageStore.MinuteCount(MINUTE, OperationKind.REGISTRATION, 2),
                new dev.muster.core.operations.UsageStore.MinuteCount(MINUTE.plusSeconds(120), OperationKind.REGISTRATION, 3));
        assertThat(store.usage().failuresSince(INSTANCE, MINUTE)).isEqualTo(Map.of("unauthorized", 3L));
        assertThat(store.usage().failuresSince(OTHER_INSTANCE, MINUTE)).isEmpty();
    }

    @Test
    void recentFailuresOfAnInstanceAreNewestFirst() {
        RegistrationOperation a = failed("op-1", "dev-1", MINUTE, "bad key");
        RegistrationOperation b = failed("op-2", "dev-2", MINUTE.plusSeconds(5), "expired");
        store.operations().saveOperation(INSTANCE, a);
        store.operations().saveOperation(INSTANCE, b);
        store.operations().saveOperation(INSTANCE, succeeded("op-3", "dev-3", MINUTE.plusSeconds(10)));
        store.operations().saveOperation(OTHER_INSTANCE, failed("op-4", "dev-1", MINUTE.plusSeconds(20), "other"));

        assertThat(store.operations().recentFailures(INSTANCE, 10)).containsExactly(b, a);
        assertThat(store.operations().recentFailures(INSTANCE, 1)).containsExactly(b);
    }

    @Test
    void concurrentQuotaCountsAdmitExactlyTheLimitPerMinute() throws Exception {
        List<Long> admitted = concurrently(n -> IntStream.range(0, 10)
                .filter(i -> store.quotas().tryCount(INSTANCE, "registrations", MINUTE, 25)).count());

        assertThat(admitted.stream().mapToLong(Long::longValue).sum()).isEqualTo(25);
        assertThat(store.quotas().tryCount(INSTANCE, "operations", MINUTE, 25)).isTrue();
        assertThat(store.quotas().tryCount(OTHER_INSTANCE, "registrations", MINUTE, 25)).isTrue();
        assertThat(store.quotas().tryCount(INSTANCE, "registrations", MINUTE.plusSeconds(60), 25)).isTrue();
    }

    @Test
    void enrollmentCountAddsIndividualEnrollmentsAndGroups() {
        store.enrollments().insertEnrollment(INSTANCE, enrollment("dev-1"));
        store.enrollments().insertEnrollment(INSTANCE, enrollment("dev-2"));
        store.enrollments().insertGroup(INSTANCE, group("grp-1"));
        store.enrollments().insertEnrollment(OTHER_INSTANCE, enrollment("dev-1"));

        assertThat(store.quotas().enrollmentCount(INSTANCE)).isEqualTo(3);
        assertThat(store.quotas().enrollmentCount("nobody")).isZero();
    }

    // ---- hub connections -------------------------------------------------------------------------------------

    private static dev.muster.core.hub.DeviceConnection connection(String device, String module, String node,
                                                                   String connectionId, Instant at) {
        return new dev.muster.core.hub.DeviceConnection(HUB, device, module, node, connectionId, true, at, at, null);
    }

    @Test
    void aConnectionIsReadWithTheHeartbeatOfTheNodeHoldingIt() {
        store.connections().heartbeat(new dev.muster.core.hub.HubNode("node-a", "127.0.0.3", 443, MINUTE));
        store.connections().connected(connection("dev-1", null, "node-a", "c1", MINUTE));
        store.connections().connected(connection("dev-1", "mod-1", "node-gone", "c2", MINUTE));

        var device = store.connections().connection("HUB-A.example.net", "dev-1", null).orElseThrow();
        assertThat(device.connected()).isTrue();
        assertThat(device.nodeHeartbeatAt()).isEqualTo(MINUTE);
        assertThat(device.connectedAt(MINUTE.minusSeconds(5))).isTrue();
        assertThat(device.connectedAt(MINUTE.plusSeconds(1))).isFalse();
        var module = store.connections().connection(HUB, "dev-1", "mod-1").orElseThrow();
        assertThat(module.moduleId()).isEqualTo("mod-1");
        assertThat(module.nodeHeartbeatAt()).isNull();
        assertThat(module.connectedAt(MINUTE.minusSeconds(5))).isFalse();
        assertThat(store.connections().connection(HUB, "DEV-1", null)).isEmpty();
        assertThat(store.connections().node("node-a").orElseThrow().address()).isEqualTo("127.0.0.3");
    }

    @Test
    void onlyTheConnectionHoldingTheRowCanMarkItDisconnected() {
        store.connections().connected(connection("dev-1", null, "node-a", "old", MINUTE));
        store.connections().connected(connection("dev-1", null, "node-b", "new", MINUTE.plusSeconds(1)));

        assertThat(store.connections().disconnected(HUB, "dev-1", null, "old", MINUTE.plusSeconds(2))).isFalse();
        var row = store.connections().connection(HUB, "dev-1", null).orElseThrow();
        assertThat(row.connected()).isTrue();
        assertThat(row.nodeId()).isEqualTo("node-b");
        assertThat(store.connections().disconnected(HUB, "dev-1", null, "new", MINUTE.plusSeconds(3))).isTrue();
        row = store.connections().connection(HUB, "dev-1", null).orElseThrow();
        assertThat(row.connected()).isFalse();
        assertThat(row.stateUpdatedAt()).isEqualTo(MINUTE.plusSeconds(3));
    }

    @Test
    void activityOnlyMovesForwardAndOnlyForTheHoldingConnection() {
        store.connections().connected(connection("dev-1", null, "node-a", "c1", MINUTE));
        store.connections().activity(HUB, "dev-1", null, "c1", MINUTE.plusSeconds(10));
        store.connections().activity(HUB, "dev-1", null, "c1", MINUTE.plusSeconds(5));
        store.connections().activity(HUB, "dev-1", null, "other", MINUTE.plusSeconds(20));

        assertThat(store.connections().connection(HUB, "dev-1", null).orElseThrow().lastActivityAt())
                .isEqualTo(MINUTE.plusSeconds(10));
    }

    @Test
    void aStoppedNodeLeavesItsConnectionsDisconnectedAndOthersAlone() {
        store.connections().heartbeat(new dev.muster.core.hub.HubNode("node-a", "127.0.0.3", 443, MINUTE));
        store.connections().heartbeat(new dev.muster.core.hub.HubNode("node-b", "127.0.0.4", 443, MINUTE));
        store.connections().connected(connection("dev-1", null, "node-a", "c1", MINUTE));
        store.connections().connected(connection("dev-1", "m", "node-a", "c2", MINUTE));
        store.connections().connected(connection("dev-2", null, "node-b", "c3", MINUTE));

        assertThat(store.connections().nodeStopped("node-a", MINUTE.plusSeconds(1))).isEqualTo(2);

        assertThat(store.connections().node("node-a")).isEmpty();
        assertThat(store.connections().connection(HUB, "dev-1", "m").orElseThrow().connected()).isFalse();
        assertThat(store.connections().connection(HUB, "dev-2", null).orElseThrow().connectedAt(MINUTE)).isTrue();
    }

    @Test
    void aPageOfDevicesReadsTheirOwnRowsNotTheirModulesAndForgettingADeviceRemovesAll() {
        store.connections().connected(connection("dev-1", null, "node-a", "c1", MINUTE));
        store.connections().connected(connection("dev-1", "m", "node-a", "c2", MINUTE));
        store.connections().connected(connection("dev-2", null, "node-a", "c3", MINUTE));
        store.connections().connected(connection("dev-3", null, "node-a", "c4", MINUTE));

        assertThat(store.connections().deviceConnections(HUB, List.of("dev-1", "dev-2", "dev-9")))
                .extracting(dev.muster.core.hub.DeviceConnection::deviceId).containsExactlyInAnyOrder("dev-1", "dev-2");
        assertThat(store.connections().deviceConnections(HUB, List.of())).isEmpty();
        store.connections().forgetDevice(HUB, "dev-1");
        assertThat(store.connections().connection(HUB, "dev-1", null)).isEmpty();
        assertThat(store.connections().connection(HUB, "dev-1", "m")).isEmpty();
        assertThat(store.connections().connection(HUB, "dev-2", null)).isPresent();
    }

    @Test
    void theDatabaseTellsTheBytesItTakesOnDisk() {
        // H2's file or pg_database_size: what `muster bench` divides by the devices it registered.
        assertThat(database.sizeOnDisk()).isGreaterThan(0);
    }
}
