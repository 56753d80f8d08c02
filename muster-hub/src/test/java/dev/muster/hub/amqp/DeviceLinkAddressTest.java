package dev.muster.hub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.hub.amqp.DeviceLinkAddress.Kind;
import org.junit.jupiter.api.Test;

class DeviceLinkAddressTest {
    @Test
    void theFourDeviceLinksAreRecognisedAsTheSdksSpellThem() {
        assertThat(DeviceLinkAddress.parse("/devices/dev-1/messages/events"))
                .isEqualTo(new DeviceLinkAddress(Kind.TELEMETRY, "dev-1", null));
        assertThat(DeviceLinkAddress.parse("/devices/dev-1/messages/devicebound"))
                .isEqualTo(new DeviceLinkAddress(Kind.CLOUD_TO_DEVICE, "dev-1", null));
        assertThat(DeviceLinkAddress.parse("/devices/dev-1/twin"))
                .isEqualTo(new DeviceLinkAddress(Kind.TWIN, "dev-1", null));
        assertThat(DeviceLinkAddress.parse("/devices/dev-1/methods/devicebound"))
                .isEqualTo(new DeviceLinkAddress(Kind.METHODS, "dev-1", null));
    }

    @Test
    void fixedWordsCompareWithoutCaseAndTheLeadingSlashIsOptional() {
        assertThat(DeviceLinkAddress.parse("devices/d/methods/deviceBound"))
                .isEqualTo(new DeviceLinkAddress(Kind.METHODS, "d", null));
        assertThat(DeviceLinkAddress.parse("/Devices/d/Messages/Events").kind()).isEqualTo(Kind.TELEMETRY);
    }

    @Test
    void idsAreKeptAsSentWithTheirCase() {
        DeviceLinkAddress a = DeviceLinkAddress.parse("/devices/Dev%41:1/twin");
        assertThat(a.deviceId()).isEqualTo("Dev%41:1");
        assertThat(a.key("HUB.example").hub()).isEqualTo("hub.example");
        assertThat(a.queue("hub.example").deviceId()).isEqualTo("Dev%41:1");
    }

    @Test
    void moduleLinksNameTheirModule() {
        assertThat(DeviceLinkAddress.parse("/devices/d/modules/m/messages/events"))
                .isEqualTo(new DeviceLinkAddress(Kind.TELEMETRY, "d", "m"));
        assertThat(DeviceLinkAddress.parse("/devices/d/modules/m/twin"))
                .isEqualTo(new DeviceLinkAddress(Kind.TWIN, "d", "m"));
        assertThat(DeviceLinkAddress.parse("/devices/d/modules/m/methods/devicebound").key("h").moduleId())
                .isEqualTo("m");
    }

    @Test
    void otherAddressesAreNotDeviceLinks() {
        for (String a : new String[] {null, "", "$cbs", "/messages/devicebound", "/messages/servicebound/feedback",
                "/devices//twin", "/devices/d", "/devices/d/messages", "/devices/d/messages/events/extra",
                "/devices/d/modules//twin", "/devices/d/modules/m", "/devices/d/files", "/things/d/twin"}) {
            assertThat(DeviceLinkAddress.parse(a)).as(String.valueOf(a)).isNull();
        }
    }
}
