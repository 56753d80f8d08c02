package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import dev.muster.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DPS over MQTT spoken by a plain MQTT client the way the Node and Python SDKs speak it (QoS 1, UUID $rid). */
class RawMqttIT {
    private static String scope;
    private static String id;
    private static String key;

    record Reply(String topic, JsonNode body) {}

    @BeforeAll
    static void enroll() throws Exception {
        scope = MusterUnderTest.info().idScope();
        id = "rawmqtt-" + UUID.randomUUID().toString().substring(0, 6);
        key = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null))).getAttestation()).getPrimaryKey();
    }

    private static MqttClient connect(String clientId, String username, String password, boolean clean) throws Exception {
        MqttClient c = new MqttClient("ssl://localhost:8883", clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(clean);
        o.setUserName(username);
        if (password != null) {
            o.setPassword(password.toCharArray());
        }
        o.setSocketFactory(MusterUnderTest.trust().getSocketFactory());
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        c.connect(o);
        return c;
    }

    private static String username(String registrationId) {
        return scope + "/registrations/" + registrationId
                + "/api-version=2019-03-31&ClientVersion=azure-iot-provisioning-device-mqtt%2F1.8.1";
    }

    @Test
    void nodeStyleClientRegistersWithQos1AndAUuidRid() throws Exception {
        MqttClient c = connect(id, username(id), RawDevice.javaStyleToken(scope, id, key, RawDevice.inAnHour()), true);
        BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        try {
            c.subscribe("$dps/registrations/res/#", 1, (t, m) -> replies.add(new Reply(t,
                    Json.tree(new String(m.getPayload(), StandardCharsets.UTF_8)))));
            String rid = UUID.randomUUID().toString();
            MqttMessage m = new MqttMessage(("{\"registrationId\":\"" + id + "\",\"payload\":{\"a\":1}}")
                    .getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            c.publish("$dps/registrations/PUT/iotdps-register/?$rid=" + rid, m);
            Reply r = replies.poll(10, TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            assertThat(r.topic()).isEqualTo("$dps/registrations/res/200/?$rid=" + rid);
            assertThat(r.body().path("status").asText()).isEqualTo("assigned");
            String operationId = r.body().path("operationId").asText();

            String rid2 = "2";
            c.publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=" + rid2 + "&operationId=" + operationId,
                    new MqttMessage(" ".getBytes(StandardCharsets.UTF_8)));
            Reply poll = replies.poll(10, TimeUnit.SECONDS);
            assertThat(poll.topic()).isEqualTo("$dps/registrations/res/200/?$rid=2");
            assertThat(poll.body().path("registrationState").path("deviceId").asText()).isEqualTo(id);
        } finally {
            c.disconnect();
            c.close();
        }
    }

    @Test
    void badTokenGets401OnTheResponseTopicWithAzuresErrorBody() throws Exception {
        String wrong = RawDevice.javaStyleToken(scope, id, java.util.Base64.getEncoder().encodeToString(new byte[32]),
                RawDevice.inAnHour());
        MqttClient c = connect(id, username(id), wrong, false);
        BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        try {
            c.subscribe("$dps/registrations/res/#", 1, (t, m) -> replies.add(new Reply(t,
                    Json.tree(new String(m.getPayload(), StandardCharsets.UTF_8)))));
            c.publish("$dps/registrations/PUT/iotdps-register/?$rid=7", new MqttMessage("{}".getBytes()));
            Reply r = replies.poll(10, TimeUnit.SECONDS);
            assertThat(r.topic()).isEqualTo("$dps/registrations/res/401/?$rid=7");
            assertThat(r.body().path("errorCode").asInt()).isEqualTo(401002);

            c.publish("$dps/registrations/PUT/iotdps-register/?$rid=8",
                    new MqttMessage("{\"registrationId\":\"x\",\"tpm\":{\"endorsementKey\":\"AAA=\"}}".getBytes()));
            Reply tpm = replies.poll(10, TimeUnit.SECONDS);
            assertThat(tpm.topic()).isEqualTo("$dps/registrations/res/400/?$rid=8");
            assertThat(tpm.body().path("message").asText()).contains("TPM");

            c.publish("$dps/registrations/PUT/iotdps-register/?$rid=9", new MqttMessage("not json".getBytes()));
            assertThat(replies.poll(10, TimeUnit.SECONDS).topic()).isEqualTo("$dps/registrations/res/400/?$rid=9");
        } finally {
            c.disconnect();
            c.close();
        }
    }

    @Test
    void publishingToAnUnknownTopicClosesTheConnection() throws Exception {
        MqttClient c = connect(id, username(id), RawDevice.javaStyleToken(scope, id, key, RawDevice.inAnHour()), true);
        try {
            c.publish("devices/elsewhere/messages/events/", new MqttMessage("x".getBytes()));
            for (int i = 0; i < 50 && c.isConnected(); i++) {
                Thread.sleep(100);
            }
            assertThat(c.isConnected()).isFalse();
        } finally {
            c.close();
        }
    }

    @Test
    void hubRefusesABadDeviceToken() {
        assertThatThrownBy(() -> connect("nobody", MusterUnderTest.hub() + "/nobody/?api-version=2021-04-12",
                "SharedAccessSignature sr=x&sig=y&se=1", true))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isIn(4, 5));
    }
}
