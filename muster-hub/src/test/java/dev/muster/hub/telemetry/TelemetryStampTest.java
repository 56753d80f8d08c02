package dev.muster.hub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryStampTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00.123Z");
    private static final TelemetrySender DEVICE = new TelemetrySender(ConnectionKey.device("hub.test", "dev-1"),
            ConnectionAuth.SAS, "637000000000000001");

    @Test
    void everyMessageGetsTheConnectionsIdentityTheEnqueuedTimeAndItsSource() {
        EventContent sent = new EventContent(new byte[] {1}, Map.of("site", "hall-3"),
                Map.of("message-id", "m-1"));

        EventContent c = TelemetryStamp.stamp(DEVICE, NOW, sent);

        assertThat(c.applicationProperties()).containsExactly(Map.entry("site", "hall-3"));
        assertThat(c.systemProperties()).containsExactly(Map.entry("message-id", "m-1"),
                Map.entry("iothub-connection-device-id", "dev-1"),
                Map.entry("iothub-connection-auth-method",
                        "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}"),
                Map.entry("iothub-connection-auth-generation-id", "637000000000000001"),
                Map.entry("iothub-enqueuedtime", "2026-12-03T10:00:00.123Z"),
                Map.entry("iothub-message-source", "Telemetry"));
    }

    @Test
    void aDeviceCannotClaimAnotherIdentityOrTheHubsOwnProperties() {
        EventContent sent = new EventContent(new byte[0], Map.of("IoTHub-Connection-Device-Id", "someone-else",
                "iothub-enqueuedtime", "1999-01-01T00:00:00Z", "iothub-message-source", "twinChangeEvents",
                "kept", "yes"), Map.of("iothub-connection-module-id", "fake"));

        EventContent c = TelemetryStamp.stamp(DEVICE, NOW, sent);

        assertThat(c.applicationProperties()).containsExactly(Map.entry("kept", "yes"));
        assertThat(c.systemProperties()).containsEntry("iothub-connection-device-id", "dev-1")
                .containsEntry("iothub-enqueuedtime", NOW.toString())
                .containsEntry("iothub-message-source", "Telemetry")
                .doesNotContainKey("iothub-connection-module-id");
    }

    @Test
    void aModulesMessageNamesTheModuleAndItsScope() {
        TelemetrySender module = new TelemetrySender(new ConnectionKey("hub.test", "dev-1", "mod-a"),
                ConnectionAuth.X509_SELF_SIGNED, "g-2");

        EventContent c = TelemetryStamp.stamp(module, NOW, new EventContent(new byte[0], null, null));

        assertThat(c.systemProperties()).containsEntry("iothub-connection-module-id", "mod-a")
                .containsEntry("iothub-connection-auth-method", "{\"scope\":\"module\",\"type\":\"x509Certificate\","
                        + "\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}");
    }

    @Test
    void theLimitCountsBodyPropertyNamesAndValuesAndSystemPropertyValues() {
        // 256 KB exactly: body + "k"+"v" + value of message-id ("m"), system property names not counted.
        EventContent atLimit = new EventContent(new byte[256 * 1024 - 3], Map.of("k", "v"), Map.of("message-id", "m"));
        EventContent over = new EventContent(new byte[256 * 1024 - 2], Map.of("k", "v"), Map.of("message-id", "m"));

        assertThat(TelemetryStamp.stamp(DEVICE, NOW, atLimit).body()).hasSize(256 * 1024 - 3);
        assertThatThrownBy(() -> TelemetryStamp.stamp(DEVICE, NOW, over)).isInstanceOfSatisfying(HubError.class,
                e -> assertThat(e.code()).isEqualTo(HubErrorCode.MESSAGE_TOO_LARGE));
    }

    @Test
    void aBatchIsLimitedAsAWhole() {
        EventContent half = new EventContent(new byte[128 * 1024], null, null);

        TelemetryStamp.requireWithinLimit(List.of(half, half));
        assertThatThrownBy(() -> TelemetryStamp.requireWithinLimit(List.of(half, half,
                new EventContent(new byte[1], null, null))))
                .isInstanceOfSatisfying(HubError.class, e -> assertThat(e.httpStatus()).isEqualTo(413));
    }
}
