package dev.muster.hub;

import static dev.muster.core.x509.TestPki.chain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Ids;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.core.x509.TestPki;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A device whose enrollment names a device ID other than its registration ID: the certificate its instance issued
 * carries the registration ID as CN (the CSR's subject), and the hub accepts that name only from the issuing CA.
 */
class IssuedCertificateAuthenticationTest {
    private static final String HUB = "hub-issued.muster.test";
    private static final String DEVICE = "plant-7-press";
    private static final String REGISTRATION = "press-0042";

    private final InMemoryStore store = new InMemoryStore();
    private final BuiltInHub builtIn = BuiltInHub.create(store, new MutableClock(Instant.now()));
    private final DeviceAuthentication auth = builtIn.authentication();
    private final TestPki.Issued issuingRoot = TestPki.root("issuing CA of instance one");
    private final TestPki.Issued hubTrustedRoot = TestPki.root("a CA the hub trusts for its own device IDs");

    @BeforeEach
    void setUp() {
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        builtIn.devices().putDevice(HUB, HubDevice.of(DEVICE, new AuthenticationMechanism(
                AuthenticationMechanism.CERTIFICATE_AUTHORITY, null, null), null), null);
        builtIn.caTrust().trustCertificateAuthority(HUB, hubTrustedRoot.pem());
        auth.trustIssued(new IssuedTrust() {
            @Override
            public List<X509Certificate> anchors(String hub, String deviceId) {
                return DEVICE.equals(deviceId) ? List.of(issuingRoot.cert()) : List.of();
            }

            @Override
            public Optional<String> registrationId(String hub, String deviceId) {
                return DEVICE.equals(deviceId) ? Optional.of(REGISTRATION) : Optional.empty();
            }
        });
    }

    @Test
    void aLeafNamingTheRegistrationIsAcceptedWhenItsInstanceIssuedIt() {
        TestPki.Issued leaf = issuingRoot.issueDevice(REGISTRATION);

        assertThat(auth.authenticateDeviceCertificate(HUB, DEVICE, chain(leaf, issuingRoot))).isEmpty();
        assertThat(auth.authenticateDeviceCertificate(HUB, DEVICE, chain(issuingRoot.issueDevice("PRESS-0042"),
                issuingRoot))).as("registration IDs compare without case").isEmpty();
    }

    @Test
    void aLeafNamingTheRegistrationFromAnotherCaIsRefused() {
        TestPki.Issued leaf = hubTrustedRoot.issueDevice(REGISTRATION);

        assertThat(auth.authenticateDeviceCertificate(HUB, DEVICE, chain(leaf, hubTrustedRoot)))
                .as("the hub's own CAs vouch for device IDs only").isPresent();
    }

    @Test
    void aLeafNamingNeitherTheDeviceNorItsRegistrationIsRefused() {
        TestPki.Issued leaf = issuingRoot.issueDevice("press-0043");

        assertThat(auth.authenticateDeviceCertificate(HUB, DEVICE, chain(leaf, issuingRoot))).get().asString()
                .contains("not the device ID");
    }

    @Test
    void aLeafNamingTheDeviceIdStillChainsToEitherTrust() {
        assertThat(auth.authenticateDeviceCertificate(HUB, DEVICE, chain(issuingRoot.issueDevice(DEVICE),
                issuingRoot))).isEmpty();
        assertThat(auth.authenticateDeviceCertificate(HUB, DEVICE, chain(hubTrustedRoot.issueDevice(DEVICE),
                hubTrustedRoot))).isEmpty();
    }
}
