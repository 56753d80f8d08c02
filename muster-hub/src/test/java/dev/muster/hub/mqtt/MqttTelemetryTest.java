package dev.muster.hub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.events.EventContent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MqttTelemetryTest {
    private static final byte[] BODY = "{\"t\":21.5}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theJavaSdksBagWithPlainSystemKeysAndATrailingSlashForModules() {
        // As JDEV MqttMessaging.send builds it: system keys as is, values and application keys URL-encoded.
        String bag = "$.mid=m-1&$.cid=c-1&$.uid=user&$.to=%2Fdevices%2Fd%2Fmessages%2Fevents&$.ce=utf-8"
                + "&$.ct=application%2Fjson&$.ctime=2026-12-03T10%3A00%3A00.000Z&$.sub=thermostat1"
                + "&$.ifid=urn%3Aazureiot%3ASecurity%3ASecurityAgent%3A1&site%20name=hall%203&kind=alarm/";

        EventContent c = MqttTelemetry.content(bag, BODY);

        assertThat(c.body()).isEqualTo(BODY);
        assertThat(c.systemProperties()).containsExactly(Map.entry("message-id", "m-1"),
                Map.entry("correlation-id", "c-1"), Map.entry("user-id", "user"),
                Map.entry("to", "/devices/d/messages/events"), Map.entry("content-encoding", "utf-8"),
                Map.entry("content-type", "application/json"), Map.entry("dt-subject", "thermostat1"),
                Map.entry("iothub-interface-id", "urn:azureiot:Security:SecurityAgent:1"));
        assertThat(c.applicationProperties()).containsExactly(
                Map.entry("iothub-creation-time-utc", "2026-12-03T10:00:00.000Z"),
                Map.entry("site name", "hall 3"), Map.entry("kind", "alarm"));
    }

    @Test
    void nodesBagWithEncodedDollarSigns() {
        // As NDEV mqtt.ts sendEvent builds it: querystring.stringify of the system keys, then encodeURIComponent.
        String bag = "%24.mid=m-2&%24.cid=c-2&%24.exp=2026-12-04T00%3A00%3A00.000Z&%24.ct=text%2Fplain"
                + "&%24.ce=utf-16&a%26b=x%3Dy";

        EventContent c = MqttTelemetry.content(bag, BODY);

        assertThat(c.systemProperties()).containsEntry("message-id", "m-2").containsEntry("correlation-id", "c-2")
                .containsEntry("absolute-expiry-time", "2026-12-04T00:00:00.000Z")
                .containsEntry("content-type", "text/plain").containsEntry("content-encoding", "utf-16");
        assertThat(c.applicationProperties()).containsExactly(Map.entry("a&b", "x=y"));
    }

    @Test
    void unknownDollarKeysStayApplicationPropertiesAndValuelessKeysAreEmpty() {
        EventContent c = MqttTelemetry.content("$.cdid=someone&flag&empty=", BODY);

        assertThat(c.systemProperties()).isEmpty();
        assertThat(c.applicationProperties()).containsExactly(Map.entry("$.cdid", "someone"), Map.entry("flag", ""),
                Map.entry("empty", ""));
    }

    @Test
    void anEmptyBagIsABodyWithoutProperties() {
        EventContent c = MqttTelemetry.content("", new byte[0]);

        assertThat(c.applicationProperties()).isEmpty();
        assertThat(c.systemProperties()).isEmpty();
        assertThat(c.body()).isEmpty();
    }
}
