package dev.muster.hub.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.hub.ConnectionKey;
import dev.muster.transport.Exchange;
import org.junit.jupiter.api.Test;

class DeviceboundHttpTest {
    private static final String HUB = "hub.test";

    private static DeviceboundHttp.Request parse(String method, String path, String query) {
        return DeviceboundHttp.request(HUB, method, Exchange.split(path), query).orElse(null);
    }

    @Test
    void theJavaClientsReceiveAndSettlementPaths() {
        assertThat(parse("GET", "/devices/d1/messages/devicebound", "api-version=2020-09-30"))
                .isEqualTo(new DeviceboundHttp.Request(ConnectionKey.device(HUB, "d1"),
                        DeviceboundHttp.Action.RECEIVE, null));
        assertThat(parse("DELETE", "/devices/d1/messages/devicebound/lock-1", "api-version=2020-09-30").action())
                .isEqualTo(DeviceboundHttp.Action.COMPLETE);
        // Java's IotHubRejectUri puts "?reject=true" after the "?": the query starts with a second "?"
        assertThat(parse("DELETE", "/devices/d1/messages/devicebound/lock-1", "?reject=true&api-version=2020-09-30"))
                .isEqualTo(new DeviceboundHttp.Request(ConnectionKey.device(HUB, "d1"),
                        DeviceboundHttp.Action.REJECT, "lock-1"));
        assertThat(parse("POST", "/devices/d1/messages/devicebound/lock-1/abandon", "api-version=2020-09-30"))
                .isEqualTo(new DeviceboundHttp.Request(ConnectionKey.device(HUB, "d1"),
                        DeviceboundHttp.Action.ABANDON, "lock-1"));
    }

    @Test
    void nodesRejectModulesAndQuotedEtags() {
        assertThat(parse("DELETE", "/devices/d1/messages/devicebound/%22lock-2%22", "api-version=x&reject"))
                .isEqualTo(new DeviceboundHttp.Request(ConnectionKey.device(HUB, "d1"),
                        DeviceboundHttp.Action.REJECT, "lock-2"));
        assertThat(parse("GET", "/devices/d1/modules/m1/messages/deviceBound", null).key())
                .isEqualTo(new ConnectionKey(HUB, "d1", "m1"));
        assertThat(parse("POST", "/devices/d1/modules/m1/messages/devicebound/l/abandon", null).action())
                .isEqualTo(DeviceboundHttp.Action.ABANDON);
    }

    @Test
    void theServiceSidesSendIsNoDeviceRequest() {
        assertThat(parse("POST", "/devices/d1/messages/devicebound", null)).isNull();
        assertThat(parse("POST", "/devices/d1/modules/m1/messages/devicebound", null)).isNull();
        assertThat(parse("GET", "/devices/d1/messages/events", null)).isNull();
        assertThat(parse("PUT", "/devices/d1/messages/devicebound/lock", null)).isNull();
    }
}
