package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import dev.muster.server.tls.TrustContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A power cut as a process sees it: {@code kill -9} of a {@code muster serve} JVM while devices register (on the
 * embedded H2 store, and on PostgreSQL when reachable), then a restart on the same data folder. Every device that was told "assigned" before the kill must still
 * have its registration record (assigned, same hub) and its hub device afterwards: what the server confirmed is never
 * lost. Several rounds, each killed at a different point of the storm.
 */
class CrashDurabilityIT {
    private static final Logger LOG = LoggerFactory.getLogger(CrashDurabilityIT.class);
    /** Its own loopback addresses: the shared MusterUnderTest holds 127.0.0.1 and 127.0.10.x on the same ports. */
    private static final String NODE = "127.0.0.71";
    private static final String HUB = "127.0.71.1";
    /** {@code muster hub} listens on its IP-literal host name itself. */
    private static final String ALONE_HUB = "127.0.72.1";
    private static final int ROUNDS = 3;
    private static final int WORKERS = 8;
    private static final Duration STORM_LIMIT = Duration.ofSeconds(60);
    /** Longer than any registration of the storm takes, short enough to wait for after the restart. */
    private static final int ORPHAN_GRACE_SECONDS = 5;

    private final String groupKey = Ids.symmetricKey();
    private final Map<String, String> confirmed = new ConcurrentHashMap<>();

    @Test
    void onTheEmbeddedStoreEveryRegistrationConfirmedBeforeAKillSurvivesTheRestart() throws Exception {
        stormsAndKills();
    }

    @Test
    void onPostgresqlEveryRegistrationConfirmedBeforeAKillSurvivesTheRestart() throws Exception {
        try (ScratchPostgres database = ScratchPostgres.create()) {
            stormsAndKills("--database", database.serveUrl());
        }
    }

    @Test
    void aStandaloneHubKeepsEveryDeviceItConfirmedBeforeAKill() throws Exception {
        Path dir = Files.createTempDirectory("muster-crash-hub-");
        NodeProcess hub = NodeProcess.startHub(dir, "--hub-host", ALONE_HUB);
        try {
            assertThat(hub.log()).as("the banner says where the key is, never the key")
                    .contains("connection-info.json").doesNotContain("SharedAccessKey=");
            Map<String, String> created = new ConcurrentHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                HubAlone h = new HubAlone(hub.connectionInfo());
                stormThenKill(hub, "h" + round, 60 + 45 * round, id -> h.create(id) == 200 ? ALONE_HUB : null, created);
                hub = NodeProcess.startHub(dir, "--hub-host", ALONE_HUB);
                HubAlone after = new HubAlone(hub.connectionInfo());
                List<String> lost = new CopyOnWriteArrayList<>();
                for (String id : created.keySet()) {
                    if (after.status(id) != 200) {
                        lost.add(id);
                    }
                }
                LOG.info("hub round {}: {} devices confirmed in all, {} lost after the restart", round, created.size(),
                        lost.size());
                assertThat(lost).as("hub devices created (200) before the kill").isEmpty();
            }
        } finally {
            hub.close();
        }
    }

    private void stormsAndKills(String... storeArgs) throws Exception {
        Path dir = Files.createTempDirectory("muster-crash-");
        NodeProcess node = start(dir, storeArgs);
        try {
            Node n = new Node(node.connectionInfo());
            n.service("PUT", "/enrollmentGroups/crash", "{\"enrollmentGroupId\":\"crash\",\"attestation\":"
                    + "{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + groupKey + "\",\"secondaryKey\":\""
                    + Ids.symmetricKey() + "\"}}}", 200);
            for (int round = 0; round < ROUNDS; round++) {
                // Kill after a different number of confirmations each round, so the kill lands at other points of
                // the store's write cycle.
                int killAfter = 60 + 45 * round;
                Node current = n;
                int attempted = stormThenKill(node, "r" + round, killAfter,
                        id -> current.register(id, Devices.derivedKey(groupKey, id)), confirmed);
                node = start(dir, storeArgs);
                n = new Node(node.connectionInfo());
                assertEveryConfirmedDeviceIsThere(n);
                assertNoDeviceWithoutItsRecord(n, "r" + round, attempted);
            }
        } finally {
            node.close();
        }
    }

    /** One confirmation: the hub the device was assigned to (or created in), or null when not confirmed. */
    @FunctionalInterface
    private interface Attempt {
        String confirm(String id) throws Exception;
    }

    /**
     * {@link #WORKERS} clients attempt new IDs until {@code killAfter} of this round are confirmed, then the process
     * is killed; what was confirmed before the kill goes into {@code confirmedInto} (ID → hub).
     */
    private static int stormThenKill(NodeProcess process, String prefix, int killAfter, Attempt attempt,
                                     Map<String, String> confirmedInto) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger confirmedThisRound = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            for (int w = 0; w < WORKERS; w++) {
                pool.submit(() -> {
                    while (!stop.get()) {
                        String id = prefix + "-" + next.getAndIncrement();
                        try {
                            String hub = attempt.confirm(id);
                            if (hub != null && !stop.get()) {
                                confirmedInto.put(id, hub);
                                confirmedThisRound.incrementAndGet();
                            }
                        } catch (Exception e) {
                            // the kill cuts connections; what was not confirmed is not owed
                        }
                    }
                    return null;
                });
            }
            long deadline = System.nanoTime() + STORM_LIMIT.toNanos();
            while (confirmedThisRound.get() < killAfter && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(confirmedThisRound.get()).as("confirmed before the kill").isGreaterThanOrEqualTo(killAfter);
            // Answers read after this instant are not counted: the kill comes right after.
            stop.set(true);
            process.kill();
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        LOG.info("round {}: killed after {} confirmations ({} in all)", prefix, confirmedThisRound.get(),
                confirmedInto.size());
        return next.get();
    }

    private void assertEveryConfirmedDeviceIsThere(Node n) throws Exception {
        List<String> lostRecords = new CopyOnWriteArrayList<>();
        List<String> lostDevices = new CopyOnWriteArrayList<>();
        // Several at once: each check is a fresh TLS connection.
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<Object>> checks = new ArrayList<>();
            for (Map.Entry<String, String> e : confirmed.entrySet()) {
                checks.add(pool.submit(() -> {
                    NodeHttp.Response record = n.serviceCall("GET", "/registrations/" + e.getKey(), null);
                    JsonNode body = Json.tree(record.body());
                    if (record.status() != 200 || !"assigned".equals(body.path("status").asText())
                            || !e.getValue().equals(body.path("assignedHub").asText())) {
                        lostRecords.add(e.getKey() + " (" + record.status() + " " + record.body() + ")");
                    }
                    if (n.hubDeviceStatus(e.getValue(), e.getKey()) != 200) {
                        lostDevices.add(e.getKey());
                    }
                    return null;
                }));
            }
            for (Future<Object> check : checks) {
                check.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        LOG.info("after restart: {} confirmed registrations checked, {} records and {} hub devices lost",
                confirmed.size(), lostRecords.size(), lostDevices.size());
        assertThat(lostRecords).as("registration records confirmed as assigned before the kill").isEmpty();
        assertThat(lostDevices).as("hub devices of registrations confirmed before the kill").isEmpty();
    }

    /**
     * The registrations cut off by the kill: each has both its record and its hub device (it got as far as saving
     * the record) or neither (the orphan sweep removed a device whose record was never saved). The sweep runs a
     * second after the restart and then every grace period; it is given three of them.
     */
    private void assertNoDeviceWithoutItsRecord(Node n, String prefix, int attempted) throws Exception {
        List<String> unconfirmed = new ArrayList<>();
        for (int i = 0; i < attempted; i++) {
            if (!confirmed.containsKey(prefix + "-" + i)) {
                unconfirmed.add(prefix + "-" + i);
            }
        }
        List<String> inconsistent = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(3L * ORPHAN_GRACE_SECONDS + 5).toNanos();
        int whole = 0;
        do {
            Thread.sleep(1_000);
            inconsistent.clear();
            whole = 0;
            for (String id : unconfirmed) {
                NodeHttp.Response record = n.serviceCall("GET", "/registrations/" + id, null);
                boolean hasDevice = n.hubDeviceStatus(HUB, id) == 200;
                if ((record.status() == 200) != hasDevice) {
                    inconsistent.add(id + (hasDevice ? " (hub device without a record)" : " (record without a device)"));
                } else if (hasDevice) {
                    whole++;
                }
            }
        } while (!inconsistent.isEmpty() && System.nanoTime() < deadline);
        LOG.info("round {}: {} registrations cut off by the kill: {} finished (record and device), {} left nothing,"
                + " {} inconsistent", prefix, unconfirmed.size(), whole, unconfirmed.size() - whole - inconsistent.size(),
                inconsistent.size());
        assertThat(inconsistent).as("registrations cut off by the kill").isEmpty();
    }

    private static NodeProcess start(Path dir, String... storeArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--bind", NODE, "--host-name", NODE, "--hub-host", HUB,
                "--latency-probe-seconds", "0", "--orphan-grace-seconds", String.valueOf(ORPHAN_GRACE_SECONDS)));
        args.addAll(List.of(storeArgs));
        return NodeProcess.start(dir, Map.of(), args.toArray(String[]::new));
    }

    /** One running node, reached over raw HTTPS (the SDKs add retries and threads a crash test does not need). */
    private static final class Node {
        private final NodeHttp http;
        private final String idScope;
        private final ConnectionString service;
        private final ConnectionString hub;

        Node(JsonNode info) throws Exception {
            SSLContext trust = TrustContexts.trusting(Path.of(info.path("caCertificate").asText()));
            this.http = new NodeHttp(trust);
            this.idScope = info.path("idScope").asText();
            this.service = ConnectionString.parse(info.path("serviceConnectionString").asText());
            this.hub = ConnectionString.parse(info.path("hubs").get(0).path("connectionString").asText());
        }

        /** The assigned hub when the device was told "assigned" (at once or by polling), else null. */
        String register(String registrationId, String key) throws Exception {
            long expiry = Instant.now().getEpochSecond() + 600;
            String token = RawDevice.javaStyleToken(idScope, registrationId, key, expiry);
            NodeHttp.Response r = http.send(NODE, NODE, "PUT", "/" + idScope + "/registrations/" + registrationId
                    + "/register?api-version=2021-06-01", token, Map.of(), "{\"registrationId\":\"" + registrationId + "\"}");
            for (int polls = 0; r.status() == 202 && polls < 20; polls++) {
                Thread.sleep(200);
                String operation = Json.tree(r.body()).path("operationId").asText();
                r = http.send(NODE, NODE, "GET", "/" + idScope + "/registrations/" + registrationId + "/operations/"
                        + operation + "?api-version=2021-06-01", token, Map.of(), null);
            }
            if (r.status() != 200) {
                return null;
            }
            JsonNode state = Json.tree(r.body()).path("registrationState");
            return "assigned".equals(Json.tree(r.body()).path("status").asText()) ? state.path("assignedHub").asText()
                    : null;
        }

        NodeHttp.Response serviceCall(String method, String path, String body) throws Exception {
            String token = SasSigner.sign(service.hostName(), service.key(), service.keyName(),
                    Instant.now().getEpochSecond() + 600);
            return http.send(NODE, service.hostName(), method, path + "?api-version=2021-10-01", token, Map.of(), body);
        }

        void service(String method, String path, String body, int expected) throws Exception {
            NodeHttp.Response r = serviceCall(method, path, body);
            assertThat(r.status()).as("%s %s: %s", method, path, r.body()).isEqualTo(expected);
        }

        int hubDeviceStatus(String hubHost, String deviceId) throws Exception {
            String token = SasSigner.sign(hub.hostName(), hub.key(), hub.keyName(), Instant.now().getEpochSecond() + 600);
            return http.send(NODE, hubHost, "GET", "/devices/" + deviceId + "?api-version=2021-04-12", token, Map.of(),
                    null).status();
        }
    }

    /** A standalone hub's registry over raw HTTPS. */
    private static final class HubAlone {
        private final NodeHttp http;
        private final ConnectionString owner;

        HubAlone(JsonNode info) throws Exception {
            this.http = new NodeHttp(TrustContexts.trusting(Path.of(info.path("caCertificate").asText())));
            this.owner = ConnectionString.parse(info.path("hubs").get(0).path("connectionString").asText());
        }

        int create(String deviceId) throws Exception {
            return http.send(ALONE_HUB, owner.hostName(), "PUT", "/devices/" + deviceId + "?api-version=2021-04-12",
                    token(), Map.of(), "{\"deviceId\":\"" + deviceId + "\"}").status();
        }

        int status(String deviceId) throws Exception {
            return http.send(ALONE_HUB, owner.hostName(), "GET", "/devices/" + deviceId + "?api-version=2021-04-12",
                    token(), Map.of(), null).status();
        }

        private String token() {
            return SasSigner.sign(owner.hostName(), owner.key(), owner.keyName(), Instant.now().getEpochSecond() + 600);
        }
    }
}
