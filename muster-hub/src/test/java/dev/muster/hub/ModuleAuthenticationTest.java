package dev.muster.hub;

import static dev.muster.core.testing.Sas.encodeUpper;
import static dev.muster.core.testing.Sas.signature;
import static dev.muster.core.x509.TestPki.chain;
import static dev.muster.hub.ModuleFixtures.HUB;
import static dev.muster.hub.ModuleFixtures.requested;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.X509Thumbprint;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.core.x509.Certificates;
import dev.muster.core.x509.TestPki;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModuleAuthenticationTest {
    private static final Instant T0 = Instant.now();

    private final InMemoryStore store = new InMemoryStore();
    private final MutableClock clock = new MutableClock(T0);
    private final BuiltInHub builtIn = BuiltInHub.create(store, clock);
    private final DeviceAuthentication auth = builtIn.authentication();
    private HubModule sensor;

    @BeforeEach
    void setUp() {
        sensor = ModuleFixtures.hubWithSensorModule(store, builtIn);
    }

    private static String token(String sr, String key, long expiry) {
        return "SharedAccessSignature sr=" + encodeUpper(sr) + "&sig=" + encodeUpper(signature(key, sr + "\n" + expiry))
                + "&se=" + expiry;
    }

    private long later() {
        return T0.getEpochSecond() + 3600;
    }

    private String primary() {
        return sensor.authentication().symmetricKey().primaryKey();
    }

    @Test
    void aTokenForTheModulesResourceSignedWithEitherOfItsKeysIsAccepted() {
        String sr = HUB + "/devices/dev1/modules/sensor";

        assertThat(auth.authenticateModule(HUB, "dev1", "sensor", token(sr, primary(), later()))).isEmpty();
        assertThat(auth.authenticateModule(HUB, "dev1", "sensor",
                token(sr, sensor.authentication().symmetricKey().secondaryKey(), later()))).isEmpty();
        String upperHost = HUB.toUpperCase(Locale.ROOT) + "/devices/dev1/modules/sensor";
        assertThat(auth.authenticateModule(HUB, "dev1", "sensor", token(upperHost, primary(), later())))
                .as("host compared case-insensitively").isEmpty();
    }

    @Test
    void theDevicesKeyTheDevicesResourceAndExpiredTokensAreRefused() {
        String deviceKey = builtIn.devices().device(HUB, "dev1").orElseThrow().authentication().symmetricKey().primaryKey();
        String sr = HUB + "/devices/dev1/modules/sensor";

        assertThat(auth.authenticateModule(HUB, "dev1", "sensor", token(sr, deviceKey, later())))
                .get().asString().contains("bad signature");
        assertThat(auth.authenticateModule(HUB, "dev1", "sensor", token(HUB + "/devices/dev1", primary(), later())))
                .get().asString().contains("wrong resource");
        assertThat(auth.authenticateModule(HUB, "dev1", "sensor", token(sr, primary(), T0.getEpochSecond() - 1)))
                .get().asString().contains("expired");
        assertThat(auth.authenticateModule(HUB, "dev1", "ghost", token(HUB + "/devices/dev1/modules/ghost", primary(),
                later()))).get().asString().contains("not registered");
        assertThat(auth.authenticateModule(HUB, "dev1", "sensor", "hunter2")).isPresent();
    }

    @Test
    void theModulesOfADisabledDeviceAreRefused() {
        builtIn.devices().putDevice(HUB, new HubDevice("dev1", null, null, "disabled", null, null, null, null, null, null,
                null, null, null, null), "*");

        assertThat(auth.authenticateModule(HUB, "dev1", "sensor",
                token(HUB + "/devices/dev1/modules/sensor", primary(), later()))).get().asString().contains("disabled");
    }

    @Test
    void aSelfSignedModuleIsAcceptedWithItsCertificateOnly() {
        TestPki.Issued cert = TestPki.selfSignedDevice("cam");
        builtIn.modules().putModule(HUB, requested("dev1", "cam", new AuthenticationMechanism("selfSigned", null,
                new X509Thumbprint(Certificates.sha1(cert.cert()), null))), null);

        assertThat(auth.authenticateModuleCertificate(HUB, "dev1", "cam", chain(cert))).isEmpty();
        assertThat(auth.authenticateModuleCertificate(HUB, "dev1", "cam", chain(TestPki.selfSignedDevice("cam"))))
                .get().asString().contains("matches neither thumbprint");
        assertThat(auth.authenticateModuleCertificate(HUB, "dev1", "sensor", chain(cert)))
                .as("a SAS module").get().asString().contains("does not use selfSigned");
        assertThat(auth.authenticateModule(HUB, "dev1", "cam", token(HUB + "/devices/dev1/modules/cam", primary(),
                later()))).as("no keys").get().asString().contains("does not use SAS");
    }
}
