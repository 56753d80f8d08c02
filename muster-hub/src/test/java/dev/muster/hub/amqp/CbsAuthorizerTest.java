package dev.muster.hub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Ids;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.sas.SasSigner;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ServiceAuthentication;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CbsAuthorizerTest {
    private static final String HUB = "hub-one.muster.test";
    private static final Instant T0 = Instant.parse("2025-04-01T09:00:00Z");
    private static final String SAS = "servicebus.windows.net:sastoken";

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryStore store = new InMemoryStore();
    private final BuiltInHub builtIn = BuiltInHub.create(store, clock);
    private final CbsAuthorizer cbs = new CbsAuthorizer(new ServiceAuthentication(builtIn.devices(), clock),
            builtIn.authentication());
    private final String policyKey = Ids.policyKey();
    private final String deviceKey = Ids.policyKey();

    @BeforeEach
    void setUp() {
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, policyKey, Ids.policyKey()));
        builtIn.devices().putDevice(HUB, HubDevice.of("dev-1", AuthenticationMechanism.sas(deviceKey, deviceKey),
                null), null);
    }

    private long in(Duration d) {
        return T0.plus(d).getEpochSecond();
    }

    @Test
    void aServiceTokenSignedWithTheHubPolicyIsGrantedUntilItsExpiry() {
        String token = SasSigner.sign(HUB, policyKey, BuiltInHubConfig.OWNER, in(Duration.ofHours(1)));
        CbsAuthorizer.Outcome o = cbs.putToken(HUB, SAS, token);
        assertThat(o.status()).isEqualTo(200);
        assertThat(o.grant().isService()).isTrue();
        assertThat(o.grant().expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    }

    @Test
    void aWrongOrExpiredServiceTokenIsUnauthorized() {
        assertThat(cbs.putToken(HUB, SAS, SasSigner.sign(HUB, Ids.policyKey(), BuiltInHubConfig.OWNER,
                in(Duration.ofHours(1)))).status()).isEqualTo(401);
        assertThat(cbs.putToken(HUB, SAS, SasSigner.sign(HUB, policyKey, BuiltInHubConfig.OWNER,
                in(Duration.ofHours(-1)))).status()).isEqualTo(401);
        assertThat(cbs.putToken(HUB, SAS, SasSigner.sign(HUB, policyKey, "somebody",
                in(Duration.ofHours(1)))).status()).isEqualTo(401);
        assertThat(cbs.putToken(HUB, "Bearer", "Bearer x").status()).isEqualTo(401);
    }

    @Test
    void aDeviceTokenIsGrantedForThatDeviceOnly() {
        String token = SasSigner.sign(HUB + "/devices/dev-1", deviceKey, null, in(Duration.ofHours(1)));
        CbsAuthorizer.Outcome o = cbs.putToken(HUB, SAS, token);
        assertThat(o.status()).isEqualTo(200);
        assertThat(o.grant().device()).isEqualTo(DeviceQueue.device(HUB, "dev-1"));

        ConnectionGrants grants = new ConnectionGrants();
        grants.add(o.grant());
        assertThat(grants.device(DeviceQueue.device(HUB, "dev-1"), T0)).isTrue();
        assertThat(grants.device(DeviceQueue.device(HUB, "dev-2"), T0)).isFalse();
        assertThat(grants.service(T0)).as("a device token is no service token").isFalse();
    }

    @Test
    void aRenewedTokenExtendsTheGrantOfItsAudience() {
        ConnectionGrants grants = new ConnectionGrants();
        grants.add(cbs.putToken(HUB, SAS, SasSigner.sign(HUB, policyKey, BuiltInHubConfig.OWNER,
                in(Duration.ofMinutes(1)))).grant());
        grants.add(cbs.putToken(HUB, SAS, SasSigner.sign(HUB, policyKey, BuiltInHubConfig.OWNER,
                in(Duration.ofMinutes(10)))).grant());
        assertThat(grants.service(T0.plus(Duration.ofMinutes(5)))).isTrue();
        assertThat(grants.service(T0.plus(Duration.ofMinutes(10)))).as("expired").isFalse();
    }

    @Test
    void resourcesNameTheHubOrOneOfItsDevicesOrModules() {
        assertThat(CbsAuthorizer.deviceOf(HUB, HUB + "/devices/d")).isEqualTo(DeviceQueue.device(HUB, "d"));
        assertThat(CbsAuthorizer.deviceOf(HUB, HUB + "/devices/d/modules/m")).isEqualTo(new DeviceQueue(HUB, "d", "m"));
        assertThat(CbsAuthorizer.deviceOf(HUB, "other.example/devices/d")).isNull();
        assertThat(CbsAuthorizer.deviceOf(HUB, HUB + "/devices/")).isNull();
        assertThat(cbs.putToken(HUB, SAS, SasSigner.sign("other.example", policyKey, BuiltInHubConfig.OWNER,
                in(Duration.ofHours(1)))).status()).isEqualTo(401);
    }
}
