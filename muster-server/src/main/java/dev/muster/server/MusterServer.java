package dev.muster.server;

import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.allocation.HubSelector;
import dev.muster.core.allocation.LinkedHub;
import dev.muster.core.allocation.LinkedHubService;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubClients;
import dev.muster.core.instance.InstanceService;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.ServiceAuthorizer;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.operations.QuotaGuard;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.registration.RegistrationService;
import dev.muster.core.registration.TpmKeys;
import dev.muster.core.sas.SasVerifier;
import dev.muster.core.x509.CertificateService;
import dev.muster.core.x509.ChainVerifier;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import dev.muster.hub.DesiredChangeRelay;
import dev.muster.hub.http.HubHttpApi;
import dev.muster.hub.mqtt.HubMqttEndpoint;
import dev.muster.server.allocation.HttpAllocationWebhook;
import dev.muster.server.allocation.HubLatencyProbe;
import dev.muster.server.device.DeviceHttpApi;
import dev.muster.server.device.DpsAmqpEndpoint;
import dev.muster.server.device.DpsMqttEndpoint;
import dev.muster.server.http.FrontDoor;
import dev.muster.server.http.WebSocketBridge;
import dev.muster.server.hub.HubHealthProbe;
import dev.muster.server.hub.RestHubClient;
import dev.muster.server.metrics.Metrics;
import dev.muster.server.mqtt.MqttFrontDoor;
import dev.muster.server.mqtt.MqttListener;
import dev.muster.server.portal.PortalAssets;
import dev.muster.server.service.LiveRegistrations;
import dev.muster.server.service.ServiceHttpApi;
import dev.muster.server.tls.LocalPki;
import dev.muster.server.tls.TrustContexts;
import dev.muster.store.Database;
import dev.muster.store.SecretBox;
import dev.muster.store.Stores;
import dev.muster.transport.Blocking;
import dev.muster.transport.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Muster node: opens the store, makes sure the default instance and the built-in hubs exist, issues the
 * TLS certificate, starts every listener, then writes connection-info.json.
 */
public final class MusterServer implements AutoCloseable, HubClients {
    private static final Logger LOG = LoggerFactory.getLogger(MusterServer.class);
    public static final String DEFAULT_INSTANCE = "default";

    private final ServerConfig config;
    private final boolean hubOnly;
    private final Clock clock = Clock.systemUTC();
    private Database database;
    private Stores store;
    private SecretBox secrets;
    private Vertx vertx;
    private Blocking blocking;
    private UsageMeter usage;
    private BuiltInHub hubRegistry;
    /** X.509 chain validation with its CA cache, shared by registration and the built-in hubs. */
    private final ChainVerifier chainVerifier = new ChainVerifier(clock);
    private SSLContext clientSsl;
    private SSLContext webhookSsl;
    private HubLatencyProbe latencyProbe;
    private LocalPki pki;
    private ConnectionInfo connectionInfo;
    private final List<Object> listeners = new ArrayList<>();
    private final Map<String, HubClient> hubClients = new ConcurrentHashMap<>();
    private long flushTimer = -1;
    private long relayTimer = -1;
    private final java.util.concurrent.atomic.AtomicBoolean relayPolling = new java.util.concurrent.atomic.AtomicBoolean();
    /** How often a node of a shared database reads the desired-property changes other nodes made. */
    static final long DESIRED_CHANGE_POLL_MILLIS = 1000;
    private Metrics metrics;
    private ProvisioningInstance defaultInstance;
    private List<BuiltInHubConfig> builtInHubs = List.of();
    private FrontDoor frontDoor;
    private KeyCertOptions keyCert;
    /** HTTPS listeners by address, so new instance hosts can be added and certificates swapped while running. */
    private final Map<String, HttpServer> httpsServers = new ConcurrentHashMap<>();

    public MusterServer(ServerConfig config) {
        this.config = config;
        this.hubOnly = config.hubOnly();
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
            ProvisioningInstance instance = hubOnly ? null : ensureDefaultInstance();
            List<BuiltInHubConfig> hubs = ensureBuiltInHubs(instance);
            defaultInstance = instance;
            builtInHubs = hubs;
            pki = new LocalPki(config.dataDir().resolve("tls"));
            pki.ensure(hostNames(instance, knownHubs(hubs)));
            clientSsl = TrustContexts.trusting(pki.caCertificate());
            webhookSsl = TrustContexts.systemAndMuster(pki.caCertificate());
            startListeners(hubs);
            connectionInfo = new ConnectionInfo(instance == null ? null : instance.idScope(),
                    instance == null ? null : config.globalEndpoint(),
                    instance == null ? null : "HostName=" + instance.serviceHostName() + ";SharedAccessKeyName="
                            + SharedAccessPolicy.OWNER + ";SharedAccessKey="
                            + instance.policy(SharedAccessPolicy.OWNER).orElseThrow().primaryKey(),
                    pki.caCertificate().toAbsolutePath().toString(),
                    hubs.stream().map(h -> new ConnectionInfo.Hub(h.hostName(), h.connectionString())).toList(),
                    new ConnectionInfo.Ports(config.httpsPort(), config.mqttPort(), hubOnly ? 0 : config.amqpPort()),
                    config.dataDir().toAbsolutePath().toString());
            writeConnectionInfo(connectionInfo);
            return connectionInfo;
        } catch (StartupException e) {
            close();
            throw e;
        } catch (IOException | GeneralSecurityException e) {
            close();
            throw new StartupException("Muster could not prepare its data folder " + config.dataDir().toAbsolutePath()
                    + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            if (e.getClass().getName().startsWith("dev.muster.store")) {
                throw new StartupException(e.getMessage(), e);
            }
            throw e;
        }
    }

    public ConnectionInfo connectionInfo() {
        return connectionInfo;
    }

    public Stores store() {
        return store;
    }

    private ProvisioningInstance ensureDefaultInstance() {
        return store.instances().instanceByName(DEFAULT_INSTANCE).orElseGet(() -> {
            ProvisioningInstance created = new ProvisioningInstance(DEFAULT_INSTANCE, Ids.idScope(),
                    config.serviceHostName().toLowerCase(Locale.ROOT), "hashed",
                    List.of(SharedAccessPolicy.owner(Ids.policyKey(), Ids.policyKey())));
            if (!store.instances().createInstance(created)) {
                return store.instances().instanceByName(DEFAULT_INSTANCE).orElseThrow();
            }
            LOG.info("created provisioning service instance '{}' with ID scope {}", created.name(), created.idScope());
            return created;
        });
    }

    private List<BuiltInHubConfig> ensureBuiltInHubs(ProvisioningInstance instance) {
        List<BuiltInHubConfig> out = new ArrayList<>();
        List<LinkedHub> linked = instance == null ? List.of() : store.linkedHubs().linkedHubs(instance.name());
        for (String host : config.hubHosts()) {
            String h = host.toLowerCase(Locale.ROOT);
            BuiltInHubConfig hub = store.hubs().builtInHubs().stream().filter(b -> b.hostName().equalsIgnoreCase(h)).findFirst()
                    .orElseGet(() -> {
                        BuiltInHubConfig c = new BuiltInHubConfig(h, BuiltInHubConfig.OWNER, Ids.policyKey(),
                                Ids.policyKey());
                        store.hubs().createBuiltInHub(c);
                        return store.hubs().builtInHubs().stream().filter(b -> b.hostName().equalsIgnoreCase(h))
                                .findFirst().orElseThrow();
                    });
            out.add(hub);
            if (instance != null && linked.stream().noneMatch(l -> l.hostName().equalsIgnoreCase(h))) {
                store.linkedHubs().saveLinkedHub(instance.name(), new LinkedHub(h, hub.connectionString(), 1, true));
            }
        }
        return out;
    }

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
        if (!config.bindAddress().equals("0.0.0.0") && !config.bindAddress().equals("::")) {
            names.add(config.bindAddress());
        }
        return names;
    }

    private void startListeners(List<BuiltInHubConfig> hubs) {
        vertx = Vertx.vertx();
        blocking = new Blocking(vertx.createSharedWorkerExecutor("muster-worker", config.workerPoolSize(), 60,
                TimeUnit.SECONDS));
        hubRegistry = BuiltInHub.create(store.hubs(), clock, chainVerifier);
        usage = new UsageMeter(store.usage(), clock);
        metrics = new Metrics(store.instances(), usage);
        QuotaGuard quotas = new QuotaGuard(store.quotas(), store.instances(), clock);
        EnrollmentService enrollments = new EnrollmentService(store.enrollments(), store.registrations(),
                store.linkedHubs(), store.certificates(), usage, clock).limitedBy(quotas);
        latencyProbe = new HubLatencyProbe(this::latencyTargets, Duration.ofSeconds(Math.max(1, config.latencyProbeSeconds())));
        if (config.latencyProbeSeconds() > 0) {
            latencyProbe.start();
        }
        HubSelector selector = new HubSelector(latencyProbe,
                new HttpAllocationWebhook(webhookSsl, Duration.ofMillis(config.webhookTimeoutMillis())));
        RegistrationService registrations = RegistrationService.builder().instances(store.instances())
                .enrollments(store.enrollments()).registrations(store.registrations()).operations(store.operations())
                .linkedHubs(store.linkedHubs()).hubClients(this).usage(usage).clock(clock)
                .tpmKeys(new TpmKeys(secrets.derive("tpm-keys"), clock)).selector(selector)
                .certificates(store.certificates()).chains(chainVerifier).build().limitedBy(quotas);
        CertificateService certificates = new CertificateService(store.certificates(), store.enrollments(), chainVerifier,
                clock);
        LiveRegistrations live = new LiveRegistrations();
        registrations.onFinished(live);
        SasVerifier sas = new SasVerifier(clock);
        // Every built-in hub in the database, not only those this node listens for: behind a load balancer any node
        // serves any hub's REST API and device connections (their state is in the database).
        Set<String> hubHosts = ConcurrentHashMap.newKeySet();
        knownHubs(hubs).forEach(h -> hubHosts.add(h.hostName()));
        HubMqttEndpoint hubMqtt = new HubMqttEndpoint(hubRegistry, blocking, clock);
        relayDesiredChanges(hubMqtt);
        MqttFrontDoor mqttFrontDoor = new MqttFrontDoor(
                new DpsMqttEndpoint(registrations, blocking, config.quickAnswerMillis()), hubMqtt);
        // Plain MQTT on loopback only, behind the WebSocket bridge on 443.
        MqttListener internalMqtt = new MqttListener(vertx, new MqttServerOptions().setMaxMessageSize(256 * 1024 + 1024)
                .setTimeoutOnConnect(config.timeouts().connectSeconds()).setHost("127.0.0.1").setPort(0), mqttFrontDoor,
                e -> LOG.debug("MQTT (WebSocket bridge): {}", e.toString()));
        bind(internalMqtt.listen(), "MQTT (WebSocket bridge)", "127.0.0.1", 0, "--mqtt-port");
        listeners.add(internalMqtt);
        Map<String, Integer> bridged = new HashMap<>(Map.of(WebSocketBridge.MQTT, internalMqtt.actualPort()));
        // DPS over AMQP (not on a hub-only node): plain on loopback behind the WebSocket bridge (AMQPWSB10), TLS on the
        // AMQP port below.
        DpsAmqpEndpoint dpsAmqp = hubOnly ? null
                : new DpsAmqpEndpoint(vertx, registrations, blocking, config.quickAnswerMillis(),
                        config.timeouts().connectSeconds() * 1000L,
                        DpsAmqpEndpoint.defaultMechanisms(registrations, blocking));
        if (dpsAmqp != null) {
            ProtonServer internalAmqp = dpsAmqp.server(new ProtonServerOptions()
                    .setIdleTimeout(config.timeouts().idleSeconds()));
            bind(DpsAmqpEndpoint.listen(internalAmqp, "127.0.0.1", 0), "AMQP (WebSocket bridge)", "127.0.0.1", 0,
                    "--amqp-port");
            listeners.add(internalAmqp);
            bridged.put(WebSocketBridge.AMQP, internalAmqp.actualPort());
        }
        WebSocketBridge webSockets = new WebSocketBridge(vertx, Map.copyOf(bridged));
        frontDoor = new FrontDoor(hubHosts::contains,
                new HubHttpApi(hubRegistry, sas, blocking),
                new ServiceHttpApi(store.instances(), new ServiceAuthorizer(sas), enrollments, registrations, usage, metrics::scrape,
                        blocking, new LinkedHubService(store.linkedHubs()), new HubHealthProbe(this)).withCertificates(certificates)
                        .withTenancy(new InstanceService(store.instances(), store.linkedHubs(), DEFAULT_INSTANCE),
                                new TenantHosts(store.instances(), config.serviceHostName(), config.httpsPort(),
                                        !isWildcard(config.bindAddress()), hubs,
                                        this::serveInstanceHost),
                                config.globalEndpoint(), DEFAULT_INSTANCE, store.operations(), quotas)
                        .withLiveRegistrations(live),
                new DeviceHttpApi(registrations, blocking, config.quickAnswerMillis()), webSockets)
                .withPortal(new PortalAssets());
        flushTimer = vertx.setPeriodic(1000, id -> blocking.run(() -> {
            usage.flush();
            return null;
        }));
        // Loaded once for every listener (parsing the PEM files per listener cost a second at start).
        keyCert = TlsOptions.keyCert(pki.serverCertificate(), pki.serverKey(), vertx);
        Set<String> addresses = bindAddresses(hubs);
        for (String address : addresses) {
            if (address.equals("::1") && !ipv6LoopbackAvailable()) {
                continue;
            }
            listenHttps(address);
            MqttServerOptions mqttOptions = new MqttServerOptions().setMaxMessageSize(256 * 1024 + 1024)
                    .setTimeoutOnConnect(config.timeouts().connectSeconds()).setHost(address).setPort(config.mqttPort())
                    .setSsl(true)
                    .setKeyCertOptions(keyCert);
            mqttOptions.setClientAuth(ClientAuth.REQUEST).setTrustOptions(TlsOptions.acceptAnyClientCertificate())
                    .setEnabledSecureTransportProtocols(TlsOptions.PROTOCOLS);
            mqttOptions.setSslEngineOptions(TlsOptions.engine());
            mqttOptions.setSslHandshakeTimeout(config.timeouts().handshakeSeconds());
            mqttOptions.setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
            // Vert.x's MQTT server, plus the user name of X.509 CONNECTs that carry no password (see MqttListener).
            MqttListener mqtt = new MqttListener(vertx, mqttOptions, mqttFrontDoor,
                    e -> LOG.debug("MQTT listener: {}", e.toString()));
            bind(mqtt.listen(), "MQTT", address, config.mqttPort(), "--mqtt-port");
            listeners.add(mqtt);
            if (dpsAmqp != null) {
                ProtonServerOptions amqpOptions = new ProtonServerOptions().setHost(address).setPort(config.amqpPort())
                        .setSsl(true).setKeyCertOptions(keyCert).setIdleTimeout(config.timeouts().idleSeconds())
                        .setSslHandshakeTimeout(config.timeouts().handshakeSeconds())
                        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
                amqpOptions.setSslEngineOptions(TlsOptions.engine());
                // X.509 devices present their certificate in TLS: ask for it, validate it in the domain.
                amqpOptions.setClientAuth(ClientAuth.REQUEST);
                amqpOptions.setTrustOptions(TlsOptions.acceptAnyClientCertificate());
                ProtonServer amqp = dpsAmqp.server(amqpOptions);
                bind(DpsAmqpEndpoint.listen(amqp, address, config.amqpPort()), "AMQP", address, config.amqpPort(),
                        "--amqp-port");
                listeners.add(amqp);
            }
        }
        listenOnInstanceHosts();
    }

    /** The HTTPS listener (service API, device API, hubs, WebSockets) on one address. */
    private void listenHttps(String address) {
        HttpServerOptions https = new HttpServerOptions().setHost(address).setPort(config.httpsPort())
                .setSsl(true).setKeyCertOptions(keyCert).setSslEngineOptions(TlsOptions.engine())
                .setClientAuth(ClientAuth.REQUEST).setTrustOptions(TlsOptions.acceptAnyClientCertificate())
                .setEnabledSecureTransportProtocols(TlsOptions.PROTOCOLS)
                .setIdleTimeout(config.timeouts().idleSeconds())
                .setSslHandshakeTimeout(config.timeouts().handshakeSeconds()).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                .setMaxInitialLineLength(8192).setMaxHeaderSize(16384)
                .setWebSocketSubProtocols(List.of(WebSocketBridge.MQTT, WebSocketBridge.AMQP));
        HttpServer http = vertx.createHttpServer(https).requestHandler(frontDoor);
        bind(http.listen(), "HTTPS", address, config.httpsPort(), "--https-port");
        listeners.add(http);
        httpsServers.put(address, http);
    }

    /** Instances' loopback service hosts (127.0.30.N) that the listeners above do not already cover. */
    private void listenOnInstanceHosts() {
        if (hubOnly || isWildcard(config.bindAddress())) {
            return;
        }
        for (ProvisioningInstance i : store.instances().listInstances()) {
            String host = i.serviceHostName();
            // Only the addresses Muster hands out to instances: the default instance's host is the --bind address
            // of whichever node created it, which another node sharing the database must not take.
            if (host.startsWith(TenantHosts.LOOPBACK_PREFIX) && !httpsServers.containsKey(host)) {
                try {
                    listenHttps(host);
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
            pki.ensure(hostNames(defaultInstance, builtInHubs));
            if (Files.getLastModifiedTime(pki.serverCertificate()).toMillis() != before) {
                keyCert = TlsOptions.keyCert(pki.serverCertificate(), pki.serverKey(), vertx);
                for (Map.Entry<String, HttpServer> e : httpsServers.entrySet()) {
                    ServerSSLOptions ssl = new HttpServerOptions().setSsl(true).setKeyCertOptions(keyCert)
                            .setClientAuth(ClientAuth.REQUEST).setTrustOptions(TlsOptions.acceptAnyClientCertificate())
                            .setEnabledSecureTransportProtocols(TlsOptions.PROTOCOLS)
                            .setSslHandshakeTimeout(config.timeouts().handshakeSeconds())
                            .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS).getSslOptions();
                    // Not await(): this runs on a worker thread (the service API's blocking pool).
                    e.getValue().updateSSLOptions(ssl, true).toCompletionStage().toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("Instance " + instance.name() + " was created, but the server certificate"
                    + " could not be re-issued for " + instance.serviceHostName() + ": " + e.getMessage(), e);
        }
        if (LocalPki.isIpLiteral(instance.serviceHostName()) && !isWildcard(config.bindAddress())
                && !httpsServers.containsKey(instance.serviceHostName())) {
            listenHttps(instance.serviceHostName());
        }
        LOG.info("instance '{}' (ID scope {}) is served at https://{}:{}", instance.name(), instance.idScope(),
                instance.serviceHostName(), config.httpsPort());
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::");
    }

    /** This node's own hubs plus every other built-in hub another node sharing the database created. */
    private List<BuiltInHubConfig> knownHubs(List<BuiltInHubConfig> own) {
        List<BuiltInHubConfig> all = new ArrayList<>(own);
        for (BuiltInHubConfig h : store.hubs().builtInHubs()) {
            if (all.stream().noneMatch(o -> o.hostName().equalsIgnoreCase(h.hostName()))) {
                all.add(h);
            }
        }
        return all;
    }

    /**
     * With a shared database (not the embedded one, which only one process can open), desired-property changes made
     * on other nodes reach this node's device connections through the database's change log, polled every
     * {@link #DESIRED_CHANGE_POLL_MILLIS} ms.
     */
    private void relayDesiredChanges(HubMqttEndpoint hubMqtt) {
        if (config.databaseUrl() == null) {
            return;
        }
        DesiredChangeRelay relay = new DesiredChangeRelay(store.desiredChanges(), clock, hubMqtt);
        hubRegistry.twins().addTwinListener(relay);
        relayTimer = vertx.setPeriodic(DESIRED_CHANGE_POLL_MILLIS, id -> {
            if (relayPolling.compareAndSet(false, true)) {
                blocking.run(() -> {
                    try {
                        relay.poll();
                    } catch (RuntimeException e) {
                        LOG.warn("could not read desired-property changes of other nodes: {}", e.getMessage());
                    } finally {
                        relayPolling.set(false);
                    }
                    return null;
                });
            }
        });
    }

    private Set<String> bindAddresses(List<BuiltInHubConfig> hubs) {
        Set<String> addresses = new LinkedHashSet<>();
        boolean hubsHaveAddresses = hubs.stream().allMatch(h -> LocalPki.isIpLiteral(h.hostName()));
        if (hubOnly && hubsHaveAddresses) {
            hubs.forEach(h -> addresses.add(h.hostName()));
            return addresses;
        }
        addresses.add(config.bindAddress());
        if (config.bindAddress().equals("127.0.0.1")) {
            // "localhost" may resolve to ::1 first (stock Debian /etc/hosts, Node's resolver).
            addresses.add("::1");
        }
        boolean wildcard = config.bindAddress().equals("0.0.0.0") || config.bindAddress().equals("::");
        if (!wildcard) {
            for (BuiltInHubConfig h : hubs) {
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

    private static void bind(Future<?> listening, String what, String address, int port, String option) {
        try {
            // Not await(): new instance hosts are bound from a worker thread, where Vert.x forbids it.
            listening.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String msg = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (msg.contains("permission denied") || msg.contains("access denied")) {
                throw new StartupException("Cannot listen for " + what + " on " + address + ":" + port + " (permission"
                        + " denied): ports below 1024 need root or CAP_NET_BIND_SERVICE; run as root, or choose another"
                        + " port with " + option + ".", cause);
            }
            if (cause instanceof BindException || msg.contains("address already in use")) {
                throw new StartupException("Cannot listen for " + what + " on " + address + ":" + port + ": the port is"
                        + " already in use (another Muster or server?); stop it or choose another port with " + option
                        + ".", cause);
            }
            if (msg.contains("cannot assign requested address") || cause instanceof SocketException) {
                throw new StartupException("Cannot listen for " + what + " on " + address + ":" + port + ": "
                        + cause.getMessage() + "; check the address (" + describe(address) + ").", cause);
            }
            throw new StartupException("Cannot listen for " + what + " on " + address + ":" + port + ": " + cause, cause);
        }
    }

    private static String describe(String address) {
        try {
            InetAddress a = InetAddress.getByName(address);
            return a.isLoopbackAddress() ? "a loopback address" : "not a loopback address of this machine?";
        } catch (IOException e) {
            return "it does not resolve";
        }
    }

    private void writeConnectionInfo(ConnectionInfo info) throws IOException {
        Path target = config.dataDir().resolve("connection-info.json");
        Path tmp = Files.createTempFile(config.dataDir(), ".connection-info", ".tmp");
        Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(info));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public HubClient forHub(LinkedHub hub) {
        return hubClients.computeIfAbsent(hub.hostName().toLowerCase(Locale.ROOT) + "|" + hub.connectionString(), k -> {
            // In memory only when the link's credentials are the hub's own: a wrong key must fail as over REST.
            String key = dev.muster.core.sas.ConnectionString.parse(hub.connectionString()).key();
            // Any built-in hub in the database, also one another node created: its devices and twins are rows here.
            boolean builtIn = hubRegistry.devices().hub(hub.hostName())
                    .filter(h -> key.equals(h.primaryKey()) || key.equals(h.secondaryKey())).isPresent();
            if (builtIn && config.hubClientMode() == ServerConfig.HubClientMode.DIRECT) {
                return new BuiltInHubClient(hubRegistry, hub.hostName().toLowerCase(Locale.ROOT));
            }
            return new RestHubClient(hub.connectionString(), builtIn ? config.httpsPort() : 443, hubTrust());
        });
    }

    /**
     * TLS trust for linked hubs: Muster's own CA plus every PEM in DATA_DIR/tls/trusted/ (the CA of a hub running
     * elsewhere, e.g. another {@code muster hub}), read when a hub client is made so no restart is needed.
     */
    private SSLContext hubTrust() {
        Path trusted = config.dataDir().resolve("tls").resolve("trusted");
        List<Path> pems = new ArrayList<>(List.of(pki.caCertificate()));
        if (Files.isDirectory(trusted)) {
            try (var files = Files.list(trusted)) {
                files.filter(f -> f.toString().endsWith(".pem") || f.toString().endsWith(".crt")).sorted().forEach(pems::add);
            } catch (IOException e) {
                LOG.warn("cannot read {}: {}", trusted, e.toString());
            }
        }
        try {
            return pems.size() == 1 ? clientSsl : TrustContexts.trusting(pems);
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("cannot load the trusted CAs in {}: {}", trusted, e.toString());
            return clientSsl;
        }
    }

    /** A built-in hub of this process, listening on this server's HTTPS port. */
    private boolean servedHere(LinkedHub hub) {
        return hubRegistry.devices().hub(hub.hostName()).isPresent()
                && config.hubHosts().stream().anyMatch(h -> h.equalsIgnoreCase(hub.hostName()));
    }

    /** Every hub linked to any instance, at the HTTPS endpoint its REST client uses (geoLatency probe). */
    private List<HubLatencyProbe.Target> latencyTargets() {
        return store.instances().listInstances().stream()
                .flatMap(i -> store.linkedHubs().linkedHubs(i.name()).stream())
                .map(h -> new HubLatencyProbe.Target(h.hostName().toLowerCase(Locale.ROOT),
                        servedHere(h) ? config.httpsPort() : 443))
                .distinct()
                .toList();
    }

    public ChainVerifier chainVerifier() {
        return chainVerifier;
    }

    public BuiltInHub builtInHub() {
        return hubRegistry;
    }

    @Override
    public void close() {
        if (latencyProbe != null) {
            latencyProbe.close();
            latencyProbe = null;
        }
        if (vertx != null) {
            if (flushTimer >= 0) {
                vertx.cancelTimer(flushTimer);
            }
            if (relayTimer >= 0) {
                vertx.cancelTimer(relayTimer);
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
