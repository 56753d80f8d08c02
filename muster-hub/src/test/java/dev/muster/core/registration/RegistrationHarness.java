package dev.muster.core.registration;

import static dev.muster.core.testing.Fixtures.individual;
import static dev.muster.core.testing.Fixtures.symmetricKey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.device.RegistrationStore;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.enrollment.ReprovisionPolicy;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubClients;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.core.testing.Sas;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A registration service on an in-memory store and real built-in hubs, for tests that play several tenants or
 * failing stores: hubs by host, links per instance, symmetric-key enrollments and SDK-shaped registrations.
 */
final class RegistrationHarness {
    final MutableClock clock;
    final InMemoryStore store = new InMemoryStore();
    final UsageMeter usage;
    final BuiltInHub builtIn;
    /** Hub clients a test swaps in (e.g. a failing one) by lower-case host. */
    final Map<String, HubClient> overrides = new HashMap<>();
    final HubClients clients;
    final EnrollmentService enrollments;

    RegistrationHarness(Instant start) {
        clock = new MutableClock(start);
        usage = new UsageMeter(store, clock);
        builtIn = BuiltInHub.create(store, clock);
        clients = hub -> overrides.getOrDefault(hub.hostName().toLowerCase(Locale.ROOT),
                new BuiltInHubClient(builtIn, hub.hostName()));
        enrollments = new EnrollmentService(store, store, store, usage, clock);
    }

    /** The service, keeping its records in {@code records} (the store itself, or a wrapper around it). */
    RegistrationService service(RegistrationStore records) {
        return RegistrationService.builder().instances(store).enrollments(store).registrations(records)
                .operations(store).linkedHubs(store).hubClients(clients).deviceClaims(store).usage(usage)
                .clock(clock).build();
    }

    void builtInHub(String host) {
        store.createBuiltInHub(new BuiltInHubConfig(host, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
    }

    void link(String instance, String host, int weight) {
        store.saveLinkedHub(instance, new LinkedHub(host, "HostName=" + host + ";SharedAccessKeyName=iothubowner;"
                + "SharedAccessKey=" + Ids.policyKey(), weight, true));
    }

    /** @return the enrollment's primary key */
    String enroll(String instance, String registrationId, TwinState twin, ReprovisionPolicy policy) {
        String key = Ids.symmetricKey();
        enrollments.putEnrollment(instance, registrationId, individual(registrationId, null,
                symmetricKey(key, Ids.symmetricKey()), twin, null, policy, null), null);
        return key;
    }

    RegistrationOperationStatus register(RegistrationService service, String scope, String registrationId,
                                         String key) {
        String token = Sas.javaDevice(scope + "/registrations/" + registrationId, key,
                clock.instant().getEpochSecond() + 3600);
        JsonNode body = Json.tree("{\"registrationId\":\"" + registrationId + "\"}");
        return service.register(new RegistrationRequest(scope, registrationId, body, DeviceCredentials.sas(token)),
                service.newOperationId());
    }
}
