package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The built-in hub's REST refusals name IoT Hub's own error (header {@code iothub-errorcode} and the
 * {@code ErrorCode:} prefix of the message), chosen by what went wrong rather than guessed from the HTTP status.
 */
class HubErrorCodesIT {
    private final HubRest hub = new HubRest(MusterUnderTest.info().hubs().get(0).connectionString());

    @Test
    void anUnknownDeviceIsDeviceNotFound() throws Exception {
        assertError(hub.call("GET", "/devices/no-such-device-" + System.nanoTime(), null), 404, "DeviceNotFound");
    }

    @Test
    void aStaleEtagIsPreconditionFailed() throws Exception {
        String id = "hub-errors-" + System.nanoTime();
        assertThat(hub.call("PUT", "/devices/" + id, "{\"deviceId\":\"" + id + "\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> r = hub.callWithIfMatch("DELETE", "/devices/" + id, "\"not-the-etag\"");
        assertError(r, 412, "PreconditionFailed");
    }

    @Test
    void aMalformedBodyIsArgumentInvalid() throws Exception {
        assertError(hub.call("PUT", "/devices/bad-body", "{not json"), 400, "ArgumentInvalid");
        assertError(hub.call("PUT", "/devices/bad-status", "{\"deviceId\":\"bad-status\",\"status\":\"paused\"}"), 400,
                "ArgumentInvalid");
    }

    @Test
    void anUnknownPathIsNotADeviceError() throws Exception {
        assertError(hub.call("GET", "/no/such/api", null), 404, "IotHubNotFound");
    }

    @Test
    void aWrongKeyIsUnauthorizedAccess() throws Exception {
        String cs = MusterUnderTest.info().hubs().get(0).connectionString()
                .replaceAll("SharedAccessKey=[^;]+", "SharedAccessKey=" + "A".repeat(43) + "=");
        assertError(new HubRest(cs).call("GET", "/devices/any", null), 401, "IotHubUnauthorizedAccess");
    }

    private static void assertError(HttpResponse<String> r, int status, String name) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("iothub-errorcode")).contains(name);
        assertThat(r.body()).contains("ErrorCode:" + name + ";");
    }
}
