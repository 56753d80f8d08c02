package dev.muster.server;

import dev.muster.core.Json;
import dev.muster.core.allocation.HubSelector;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.instance.InstanceService;
import dev.muster.core.instance.LinkedHubService;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.ServiceAuthorizer;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.operations.QuotaGuard;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.registration.OrphanDeviceSweep;
import dev.muster.core.registration.RegistrationService;
import dev.muster.core.registration.TpmKeys;
import dev.muster.core.sas.SasVerifier;
import dev.muster.core.x509.CertificateService;
import dev.muster.core.x509.ChainVerifier;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.events.EventIngest;
import dev.muster.server.hub.HubMessageFlow;
import dev.muster.hub.routing.MessageRouter;
import dev.muster.hub.routing.delivery.EndpointSource;
import dev.muster.hub.http.HubHttpApi;
import dev.muster.hub.mqtt.DesiredChangePolling;
import dev.muster.hub.c2d.CloudToDeviceLimits;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.hub.c2d.CloudToDeviceRelay;
import dev.muster.hub.c2d.CloudToDeviceTimers;
import dev.muster.hub.mqtt.HubMqttEndpoint;
import dev.muster.hub.mqtt.MqttCloudToDevice;
import dev.muster.server.amqp.AmqpFrontDoor;
import dev.muster.server.amqp.HubAmqpWiring;
import dev.muster.hub.eventhubs.EventHubsEndpoint;
import dev.muster.server.allocation.HttpAllocationWebhook;
import dev.muster.server.allocation.HubLatencyProbe;
import dev.muster.server.device.DeviceHttpApi;
import dev.muster.server.device.DpsAmqpEndpoint;
import dev.muster.server.device.DpsMqttEndpoint;
import dev.muster.server.http.FrontDoor;
import dev.muster.server.http.WebSocketBridge;
import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.CertificatePolicies;
import dev.muster.server.hub.HubHealthProbe;
import dev.muster.server.issuance.InstanceIssuedTrust;
import dev.muster.server.issuance.CrlEndpoint;
import dev.muster.server.issuance.ExpiringCertificates;
import dev.muster.server.issuance.RevocationWatch;
import dev.muster.server.issuance.ServerIssuance;
import dev.muster.core.issuance.CrlPublisher;
import dev.muster.server.hub.LiveDevicesService;
import dev.muster.hub.c2d.QueuedMessageCounts;
import dev.muster.server.limits.AcceptGate;
import dev.muster.server.limits.ConnectionCeiling;
import dev.muster.server.limits.ConnectionLimiter;
import dev.muster.server.limits.GatedTransport;
import dev.muster.server.metrics.Metrics;
import dev.muster.server.metrics.RefreshedValue;
import dev.muster.server.metrics.MetricsEndpoint;
import dev.muster.server.metrics.ProtocolErrors;
import dev.muster.server.mqtt.MqttFrontDoor;
import dev.muster.server.portal.PortalAssets;
import dev.muster.server.service.LiveRegistrations;
import dev.muster.server.service.ServiceHttpApi;
import dev.muster.server.tls.LocalPki;
import dev.muster.server.tls.TrustContexts;
import dev.muster.store.Database;
import dev.muster.store.SecretBox;
import dev.muster.store.StoreException;
import dev.muster.store.Stores;
import dev.muster.transport.Blocking;
import dev.muster.transport.TlsOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Muster node, wired: opens the store, makes sure the default instance and the built-in hubs exist
 * ({@link DeploymentSetup}), issues the TLS certificate, builds the services, starts every listener
 * ({@link Listeners}), then writes connection-info.json. It decides what runs where; the pieces it wires do the work.
 */
public final class MusterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MusterServer.class);
    private static final String DEFAULT_INSTANCE = DeploymentSetup.DEFAULT_INSTANCE;
    /** How long usage counts may sit in memory before they are written. */
    private static final long USAGE_FLUSH_MILLIS = 1000;

    private final ServerConfig config;
    private final Clock clock = Clock.systemUTC();
    /** X.509 chain validation with its CA cache, shared by registration and the built-in hubs. */
    private final ChainVerifier chainVerifier = new ChainVerifier(clock);
    private Database database;
    private Stores store;
    private SecretBox secrets;
    private Vertx vertx;
    private Blocking blocking;
    private UsageMeter usage;
    private BuiltInHub builtInHub;
    private HubLatencyProbe latencyProbe;
    private LiveDevicesService liveDevices;
    private DesiredChangePolling desiredChangePolling;
    private CloudToDeviceTimers cloudToDeviceTimers;
    private LocalPki pki;
    private Listeners listeners;
    private FrontDoor frontDoor;
    private ConnectionInfo connectionInfo;
    private long flushTimer = -1;
    private long sweepTimer = -1;
    private HubMessageFlow messageFlow;
    private Metrics metrics;
    private ProvisioningInstance defaultInstance;
    private List<BuiltInHubConfig> ownHubs = List.of();
    private RevocationWatch revocationWatch;

    public MusterServer(ServerConfig config) {
        this.config = config;
    }

    public ConnectionInfo start() {
        try {
            Files.createDirectories(config.dataDir());
            secrets = SecretBox.forDataDir(config.dataDir(), config.secretKey());
            database = config.databaseUrl() == null
                    ? Database.embedded(config.dataDir(), config.databasePoolSize(), secrets)
                    : Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(),
                    config.databasePoolSize(), secrets);
            store = Stores.open(database, secrets);
            DeploymentSetup setup = new DeploymentSetup(store, config);
            defaultInstance = config.hubOnly() ? null : setup.defaultInstance();
            ownHubs = setup.ownHubs(defaultInstance);
            List<BuiltInHubConfig> allHubs = setup.allHubs(ownHubs);
            pki = new LocalPki(config.dataDir().resolve("tls"));
            pki.ensure(hostNames(defaultInstance, allHubs));
            startListeners(allHubs);
            connectionInfo = connectionInfo(defaultInstance, ownHubs);
            writeConnectionInfo(connectionInfo);
            return connectionInfo;
        } catch (StartupException e) {
            close();
            throw e;
        } catch (IOException | GeneralSecurityException e) {
            close();
            throw new StartupException("Muster could not prepare its data folder " + config.dataDir().toAbsolutePath()
                    + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            // Already one sentence naming the fix (unreachable database, schema newer than this binary, wrong key).
            close();
            throw new StartupException(e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public ConnectionInfo connectionInfo() {
        return connectionInfo;
    }

    public Stores store() {
        return store;
    }

    public ChainVerifier chainVerifier() {
        return chainVerifier;
    }

    public BuiltInHub builtInHub() {
        return builtInHub;
    }

    private ConnectionInfo connectionInfo(ProvisioningInstance instance, List<BuiltInHubConfig> hubs) {
        return new ConnectionInfo(instance == null ? null : instance.idScope(),
                instance == null ? null : config.globalEndpoint(),
                instance == null ? null : "HostName=" + instance.serviceHostName() + ";SharedAccessKeyName="
                        + SharedAccessPolicy.OWNER + ";SharedAccessKey="
                        + instance.policy(SharedAccessPolicy.OWNER).orElseThrow().primaryKey(),
                pki.caCertificate().toAbsolutePath().toString(),
                hubs.stream().map(ConnectionInfo.Hub::of).toList(),
                new ConnectionInfo.Ports(config.httpsPort(), config.mqttPort(), config.amqpPort()),
                config.dataDir().toAbsolutePath().toString(),
                config.metricsPort() == 0 ? null : "http://" + urlHost(config.metricsBind()) + ":" + config.metricsPort()
                        + MetricsEndpoint.PATH);
    }

    /** The names the server certificate must cover. */
    private Set<String> hostNames(ProvisioningInstance instance, List<BuiltInHubConfig> hubs) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        names.add(config.globalEndpointHost().toLowerCase(Locale.ROOT));
        for (ProvisioningInstance i : store.instances().listInstances()) {
            names.add(i.serviceHostName());
        }
        for (BuiltInHubConfig h : hubs) {
            names.add(h.hostName());
        }
        if (instance != null && !TenantHosts.loopbackStyle(instance.serviceHostName())) {
            names.add("*." + instance.serviceHostName()); // new instances' NAME.<host>
        }
        if (!isWildcard(config.bindAddress())) {
            names.add(config.bindAddress());
        }
        return names;
    }

    private void startListeners(List<BuiltInHubConfig> allHubs) throws IOException, GeneralSecurityException {
        AcceptGate gate = new AcceptGate(connectionLimiter());
        vertx = Vertx.builder().withTransport(new GatedTransport(gate)).build();
        blocking = new Blocking(vertx.createSharedWorkerExecutor("muster-worker", config.workerPoolSize(), 60,
                TimeUnit.SECONDS));
        usage = new UsageMeter(store.usage(), clock);
        metrics = new Metrics(store.instances(), usage);
        metrics.watchConnections(gate.limiter());
        // pg_database_size is a query: read on the worker pool, at most every 5 s, never on the scrape's event loop.
        metrics.watchStoreSize(new RefreshedValue<>("the database size", database::sizeOnDisk, null,
                Duration.ofSeconds(5), blocking, clock));
        // Loaded once for every listener (parsing the PEM files per listener cost a second at start).
        listeners = new Listeners(vertx, config, TlsOptions.keyCert(pki.serverCertificate(), pki.serverKey(), vertx),
                gate, new ProtocolErrors(metrics.registry(), clock, ProtocolErrors.DEFAULT_SUMMARY_INTERVAL));
        liveDevices = LiveDevicesService.start(new LiveDevicesService.Options(vertx, blocking, store.connections(),
                clock, config.nodeAddress(), config.httpsPort(), secrets.derive("node-calls")));
        builtInHub = BuiltInHub.create(store.hubs(), clock, chainVerifier,
                new QueuedMessageCounts(store.cloudToDevice(), liveDevices.live().connections()));
        startMessageFlow(allHubs);
        HubClientFactory hubClients = new HubClientFactory(builtInHub, config, pki.caCertificate());
        QuotaGuard quotas = new QuotaGuard(store.quotas(), store.instances(), clock);
        EnrollmentService enrollments = new EnrollmentService(store.enrollments(), store.registrations(),
                store.linkedHubs(), store.certificates(), usage, clock).limitedBy(quotas);
        latencyProbe = new HubLatencyProbe(() -> latencyTargets(hubClients),
                Duration.ofSeconds(Math.max(1, config.latencyProbeSeconds())));
        if (config.latencyProbeSeconds() > 0) {
            latencyProbe.start();
        }
        HubSelector selector = new HubSelector(latencyProbe, new HttpAllocationWebhook(
                TrustContexts.systemAndMuster(pki.caCertificate()), Duration.ofMillis(config.webhookTimeoutMillis())));
        CertificateIssuance issuance = ServerIssuance.create(store.issuance(), clock, config.pkcs11Library(),
                config.crlBaseUrl());
        RegistrationService registrations = RegistrationService.builder().instances(store.instances())
                .enrollments(store.enrollments()).registrations(store.registrations()).operations(store.operations())
                .linkedHubs(store.linkedHubs()).hubClients(hubClients).deviceClaims(store.deviceClaims()).usage(usage)
                .clock(clock)
                .tpmKeys(new TpmKeys(secrets.derive("tpm-keys"), clock)).selector(selector)
                .certificates(store.certificates()).chains(chainVerifier)
                .issuance(issuance).build().limitedBy(quotas);
        InstanceIssuedTrust issuedTrust = new InstanceIssuedTrust(store.deviceClaims(), store.issuance(), clock);
        issuance.onIssuingCaChange(issuedTrust::invalidate);
        builtInHub.authentication().trustIssued(issuedTrust);
        CertificateService certificates = new CertificateService(store.certificates(), store.enrollments(),
                chainVerifier, clock);
        LiveRegistrations live = new LiveRegistrations();
        registrations.onFinished(live);
        SasVerifier sas = new SasVerifier(clock);
        // Every built-in hub in the database, not only those this node listens for: behind a load balancer any node
        // serves any hub's REST API and device connections (their state is in the database).
        Set<String> hubHosts = ConcurrentHashMap.newKeySet();
        allHubs.forEach(h -> hubHosts.add(h.hostName()));
        HubMqttEndpoint hubMqtt = new HubMqttEndpoint(builtInHub, liveDevices.live(), blocking, clock);
        if (config.databaseUrl() != null) {
            // Only a shared database has other nodes (the embedded one can be opened by one process only).
            desiredChangePolling = DesiredChangePolling.start(vertx, blocking, builtInHub, store.desiredChanges(),
                    clock, DesiredChangePolling.DEFAULT_INTERVAL);
        }
        MqttFrontDoor mqttFrontDoor = new MqttFrontDoor(
                new DpsMqttEndpoint(registrations, blocking, config.quickAnswerMillis()), hubMqtt);
        Map<String, Integer> bridged = new HashMap<>(Map.of(WebSocketBridge.MQTT, listeners.bridgedMqtt(mqttFrontDoor)));
        // DPS over AMQP (not on a hub-only node): plain on loopback behind the WebSocket bridge, TLS on the AMQP port.
        DpsAmqpEndpoint dpsAmqp = config.hubOnly() ? null
                : new DpsAmqpEndpoint(vertx, registrations, blocking, config.quickAnswerMillis());
        CloudToDeviceQueue cloudToDevice = cloudToDevice(hubMqtt);
        // The Event Hubs-compatible endpoint: local appends wake its receivers; other nodes' are found by polling.
        EventHubsEndpoint eventHubs = HubAmqpWiring.eventHubs(builtInHub, store.events(), blocking, clock);
        messageFlow.ingest().addAppendListener(eventHubs::partitionAppended);
        dev.muster.hub.amqp.HubAmqpEndpoint hubAmqp = HubAmqpWiring.endpoint(builtInHub, liveDevices.live(),
                cloudToDevice, blocking, clock).withEventHubs(eventHubs);
        // A revoked certificate's live sessions are closed on every node, whichever revoked it.
        revocationWatch = RevocationWatch.start(vertx, blocking, new RevocationWatch(store.issuance(),
                List.of(hubMqtt, hubAmqp), clock));
        AmqpFrontDoor amqpFrontDoor = new AmqpFrontDoor(vertx, dpsAmqp, hubAmqp, hubHosts::contains,
                HubAmqpWiring.mechanisms(dpsAmqp == null ? null : DpsAmqpEndpoint.defaultMechanisms(registrations,
                        blocking)),
                config.timeouts().connectSeconds() * 1000L);
        bridged.put(WebSocketBridge.AMQP, listeners.bridgedAmqp(amqpFrontDoor));
        frontDoor = new FrontDoor(hubHosts::contains,
                new HubHttpApi(builtInHub, liveDevices.live(), sas, blocking, liveDevices.nodeCalls())
                        .withCloudToDevice(cloudToDevice)
                        .withConsumerGroups(new dev.muster.hub.telemetry.ConsumerGroups(store.events(), clock))
                        .withRouting(messageFlow.routing())
                        .withDeadLetters(messageFlow.outbox()),
                new ServiceHttpApi(store.instances(), new ServiceAuthorizer(sas), enrollments, registrations, usage,
                        blocking, new LinkedHubService(store.linkedHubs()),
                        new HubHealthProbe(hubClients)).withCertificates(certificates)
                        .withTenancy(new InstanceService(store.instances(), store.linkedHubs(), DEFAULT_INSTANCE),
                                new TenantHosts(store.instances(), config.serviceHostName(), config.httpsPort(),
                                        !isWildcard(config.bindAddress()), ownHubs, this::serveInstanceHost),
                                config.globalEndpoint(), DEFAULT_INSTANCE, store.operations(), quotas)
                        .withLiveRegistrations(live).withIssuance(issuance)
                        .withCertificatePolicies(new CertificatePolicies(issuance, store.issuance(), store.enrollments())),
                new DeviceHttpApi(registrations, blocking, config.quickAnswerMillis()),
                new WebSocketBridge(vertx, Map.copyOf(bridged)))
                .withPortal(new PortalAssets(PortalAssets.hubOrigins(hubHosts, config.httpsPort())));
        flushTimer = vertx.setPeriodic(USAGE_FLUSH_MILLIS, id -> blocking.run(() -> {
            usage.flush();
            return null;
        }));
        if (!config.hubOnly()) {
            sweepOrphanDevices(hubClients);
        }
        for (String address : bindAddresses()) {
            if (address.equals("::1") && !ipv6LoopbackAvailable()) {
                continue;
            }
            listeners.https(address, frontDoor);
            listeners.mqtt(address, mqttFrontDoor);
            listeners.amqp(address, amqpFrontDoor);
        }
        listenOnInstanceHosts();
        if (!config.hubOnly()) {
            serveRevocationStatus();
        }
        if (config.metricsPort() > 0) {
            // Last: a port clash elsewhere is reported as that listener's, not as this optional one's.
            listeners.metrics(new MetricsEndpoint(metrics::scrape, config.metricsToken()));
        }
    }

    /**
     * The issuing CAs' CRLs over plain HTTP ({@code --crl-port}), on the --bind address (and ::1 beside 127.0.0.1,
     * as the HTTPS listener), and the expiring-soon gauge: what a provisioning node adds for its issued certificates.
     */
    private void serveRevocationStatus() {
        metrics.watchExpiringCertificates(new ExpiringCertificates(store.issuance(), store.instances(), blocking,
                clock)::counts);
        if (config.crlPort() == 0) {
            return;
        }
        CrlEndpoint crls = new CrlEndpoint(new CrlPublisher(store.issuance(), clock), blocking, clock);
        listeners.crl(config.bindAddress(), crls);
        if (config.bindAddress().equals("127.0.0.1") && ipv6LoopbackAvailable()) {
            listeners.crl("::1", crls);
        }
        LOG.info("CRLs are served on port {} (URL in certificates: {}/crl/INSTANCE/CA.crl)", config.crlPort(),
                config.crlBaseUrl());
    }

    /** The hubs' message flow (routes, event streams, endpoint delivery), and the hub's sources wired into it. */
    private void startMessageFlow(List<BuiltInHubConfig> allHubs) {
        messageFlow = HubMessageFlow.start(new HubMessageFlow.Options(vertx, blocking, store, clock, config.events(),
                allHubs));
        metrics.watchEndpointBacklogs(messageFlow.dispatcher()::backlogs);
        messageFlow.connect(builtInHub, liveDevices.live().connections());
    }

    public EventIngest eventIngest() {
        return messageFlow.ingest();
    }

    /** Replaces where the custom route endpoints come from (tests); null puts back the hubs' saved routing. */
    public void endpointSource(EndpointSource source) {
        messageFlow.endpointSource(source);
    }

    /** Replaces where each entering message goes (tests); null puts back the hubs' saved routes. */
    public void router(MessageRouter messageRouter) {
        messageFlow.router(messageRouter);
    }

    /** The custom endpoints' outbox as the ingest path writes it (entries wake this node's delivery). */
    public dev.muster.core.hub.routing.EndpointOutbox endpointOutbox() {
        return messageFlow.outbox();
    }

    /** The cloud-to-device queues: delivered to this node's MQTT devices, expired and relayed on timers. */
    private CloudToDeviceQueue cloudToDevice(HubMqttEndpoint hubMqtt) {
        CloudToDeviceQueue queue = new CloudToDeviceQueue(builtInHub.devices(), store.cloudToDevice(), clock,
                CloudToDeviceLimits.AZURE);
        hubMqtt.withCloudToDevice(new MqttCloudToDevice(queue, blocking));
        cloudToDeviceTimers = CloudToDeviceTimers.start(vertx, blocking, queue,
                new CloudToDeviceRelay(store.cloudToDevice(), clock, queue::announce));
        return queue;
    }

    /** The configured connection limits, the total lowered to what the open-file limit leaves room for. */
    private ConnectionLimiter connectionLimiter() {
        ServerConfig.ConnectionLimits limits = config.connectionLimits();
        long openFiles = ConnectionCeiling.processOpenFileLimit();
        int total = ConnectionCeiling.cap(limits.total(), openFiles);
        if (total < limits.total()) {
            LOG.warn("accepting at most {} connections instead of {} (--max-connections): the process may open {} files;"
                    + " raise its limit (ulimit -n, LimitNOFILE=) to hold more", total, limits.total(), openFiles);
        }
        return new ConnectionLimiter(Math.min(limits.perAddress(), total), total);
    }

    /** Instances' loopback service hosts (127.0.30.N) that the listeners above do not already cover. */
    private void listenOnInstanceHosts() {
        if (config.hubOnly() || isWildcard(config.bindAddress())) {
            return;
        }
        for (ProvisioningInstance i : store.instances().listInstances()) {
            String host = i.serviceHostName();
            // Only the addresses Muster hands out to instances: the default instance's host is the --bind address
            // of whichever node created it, which another node sharing the database must not take.
            if (host.startsWith(TenantHosts.LOOPBACK_PREFIX) && !listeners.servesHttps(host)) {
                try {
                    listeners.https(host, frontDoor);
                } catch (StartupException taken) {
                    // Another node on this machine already serves it; any node answers any instance.
                    LOG.warn("instance '{}' is not served by this node at {}: {}", i.name(), host, taken.getMessage());
                }
            }
        }
    }

    /**
     * A new instance's host: re-issue the server certificate with its name (every HTTPS listener switches to it
     * without a restart) and listen on its loopback address.
     */
    private synchronized void serveInstanceHost(ProvisioningInstance instance) {
        try {
            long before = Files.getLastModifiedTime(pki.serverCertificate()).toMillis();
            pki.ensure(hostNames(defaultInstance, ownHubs));
            if (Files.getLastModifiedTime(pki.serverCertificate()).toMillis() != before) {
                listeners.replaceCertificate(TlsOptions.keyCert(pki.serverCertificate(), pki.serverKey(), vertx));
            }
        } catch (Exception e) {
            throw new IllegalStateException("Instance " + instance.name() + " was created, but the server certificate"
                    + " could not be re-issued for " + instance.serviceHostName() + ": " + e.getMessage(), e);
        }
        if (LocalPki.isIpLiteral(instance.serviceHostName()) && !isWildcard(config.bindAddress())
                && !listeners.servesHttps(instance.serviceHostName())) {
            listeners.https(instance.serviceHostName(), frontDoor);
        }
        LOG.info("instance '{}' (ID scope {}) is served at https://{}:{}", instance.name(), instance.idScope(),
                instance.serviceHostName(), config.httpsPort());
    }

    /** An address as the host of a URL: IPv6 literals in brackets, a wildcard as the loopback address. */
    private static String urlHost(String address) {
        if (isWildcard(address)) {
            return "127.0.0.1";
        }
        return address.contains(":") ? "[" + address + "]" : address;
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::");
    }

    /**
     * The --bind address (and ::1 beside 127.0.0.1) plus every own hub's IP literal; a hub-only node whose hubs are
     * all IP literals listens on those alone.
     */
    private Set<String> bindAddresses() {
        Set<String> addresses = new LinkedHashSet<>();
        boolean hubsHaveAddresses = ownHubs.stream().allMatch(h -> LocalPki.isIpLiteral(h.hostName()));
        if (config.hubOnly() && hubsHaveAddresses) {
            ownHubs.forEach(h -> addresses.add(h.hostName()));
            return addresses;
        }
        addresses.add(config.bindAddress());
        if (config.bindAddress().equals("127.0.0.1")) {
            // "localhost" may resolve to ::1 first (stock Debian /etc/hosts, Node's resolver).
            addresses.add("::1");
        }
        if (!isWildcard(config.bindAddress())) {
            for (BuiltInHubConfig h : ownHubs) {
                if (LocalPki.isIpLiteral(h.hostName())) {
                    addresses.add(h.hostName());
                }
            }
        }
        return addresses;
    }

    private static boolean ipv6LoopbackAvailable() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress("::1", 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Every hub linked to any instance, at the HTTPS endpoint its REST client uses (geoLatency probe). */
    private List<HubLatencyProbe.Target> latencyTargets(HubClientFactory hubClients) {
        return store.instances().listInstances().stream()
                .flatMap(i -> store.linkedHubs().linkedHubs(i.name()).stream())
                .map(hubClients::latencyTarget)
                .distinct()
                .toList();
    }

    /**
     * Removes hub devices whose registration stopped before saving its record (a crash of this or another node):
     * soon after start, then at least once a minute, each time the claims made since the last look.
     */
    private void sweepOrphanDevices(HubClientFactory hubClients) {
        OrphanDeviceSweep sweep = new OrphanDeviceSweep(new OrphanDeviceSweep.Options(store.deviceClaims(),
                store.instances(), store.registrations(), store.linkedHubs(), hubClients, clock,
                Duration.ofSeconds(config.orphanGraceSeconds())));
        long every = Math.min(60_000, config.orphanGraceSeconds() * 1000L);
        io.vertx.core.Handler<Long> run = id -> blocking.run(sweep::sweep).onFailure(e ->
                LOG.warn("the orphan device sweep failed: {}", e.toString()));
        vertx.setTimer(1_000, run);
        sweepTimer = vertx.setPeriodic(every, run);
    }

    private void writeConnectionInfo(ConnectionInfo info) throws IOException {
        Path target = config.dataDir().resolve("connection-info.json");
        Path tmp = Files.createTempFile(config.dataDir(), ".connection-info", ".tmp");
        Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(info));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        if (revocationWatch != null) {
            revocationWatch.close();
            revocationWatch = null;
        }
        if (latencyProbe != null) {
            latencyProbe.close();
            latencyProbe = null;
        }
        if (desiredChangePolling != null) {
            desiredChangePolling.close();
            desiredChangePolling = null;
        }
        if (liveDevices != null) {
            liveDevices.close();
            liveDevices = null;
        }
        if (cloudToDeviceTimers != null) {
            cloudToDeviceTimers.close();
            cloudToDeviceTimers = null;
        }
        if (messageFlow != null) {
            messageFlow.close();
            messageFlow = null;
        }
        if (vertx != null) {
            if (flushTimer >= 0) {
                vertx.cancelTimer(flushTimer);
            }
            if (sweepTimer >= 0) {
                vertx.cancelTimer(sweepTimer);
            }
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Vert.x did not close cleanly: {}", e.toString());
            }
            vertx = null;
        }
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        if (usage != null) {
            try {
                usage.flush();
            } catch (RuntimeException e) {
                LOG.warn("could not write the last usage counts: {}", e.toString());
            }
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
