package dev.muster.hub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceboundTopicTest {
    private static final String HUB = "hub-one.muster.test";

    private static CloudToDeviceMessage message(DeviceQueue q, CloudToDeviceContent c) {
        return new CloudToDeviceMessage(q, "id", 1, c, "gen", Instant.parse("2025-04-01T09:00:00Z"),
                Instant.parse("2025-04-01T10:00:00Z"), 0, "lock");
    }

    @Test
    void systemPropertiesComeFirstPercentEncodedThenTheApplicationProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("color", "blue/green");
        props.put("with space", "a&b=c");
        CloudToDeviceContent c = new CloudToDeviceContent("m-1", "c-1", null, "/devices/dev-1/messages/devicebound",
                "application/json", "utf-8", "full", props, new byte[0]);

        String topic = DeviceboundTopic.of(message(DeviceQueue.device(HUB, "dev-1"), c));

        assertThat(topic).isEqualTo("devices/dev-1/messages/devicebound/%24.mid=m-1&%24.cid=c-1"
                + "&%24.to=%2Fdevices%2Fdev-1%2Fmessages%2Fdevicebound&%24.exp=2025-04-01T10%3A00%3A00Z"
                + "&%24.ct=application%2Fjson&%24.ce=utf-8&color=blue%2Fgreen&with%20space=a%26b%3Dc");
        assertThat(topic.split("/")).as("the Node SDK reads the bag as the fifth segment").hasSize(5);
    }

    @Test
    void aMessageWithoutIdsStillCarriesAnEncodedDollarForTheJavaSdk() {
        CloudToDeviceContent c = new CloudToDeviceContent(null, null, null, null, null, null, null, Map.of(),
                new byte[0]);
        String topic = DeviceboundTopic.of(message(new DeviceQueue(HUB, "dev-1", "mod-a"), c));
        assertThat(topic).startsWith("devices/dev-1/modules/mod-a/messages/devicebound/%24.to="
                + "%2Fdevices%2Fdev-1%2Fmodules%2Fmod-a%2Fmessages%2Fdevicebound");
    }

    @Test
    void deviceboundSubscriptionsNameTheirQueue() {
        assertThat(DeviceboundTopic.subscribedQueue(HUB, "devices/dev-1/messages/devicebound/#"))
                .isEqualTo(DeviceQueue.device(HUB, "dev-1"));
        assertThat(DeviceboundTopic.subscribedQueue(HUB, "devices/dev-1/modules/m/messages/devicebound/#"))
                .isEqualTo(new DeviceQueue(HUB, "dev-1", "m"));
        assertThat(DeviceboundTopic.subscribedQueue(HUB, "$iothub/twin/res/#")).isNull();
        assertThat(DeviceboundTopic.subscribedQueue(HUB, "devices/dev-1/messages/events/#")).isNull();
    }
}
