package dev.muster.it;

import static dev.muster.it.ServiceRest.call;
import static dev.muster.it.ServiceRest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientTooManyRequestsException;
import dev.muster.core.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import io.vertx.proton.ProtonSender;
import org.apache.qpid.proton.message.Message;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * Per-instance quotas answered Azure's way: 429, errorCode 429001 and Retry-After, on the service API and on the
 * device endpoints. Per-minute limits of 1 or 2 with three or five tries: even if a minute boundary falls between
 * the tries, at least one must be refused.
 */
class QuotasIT {
    private static final String QUERY = "{\"query\":\"SELECT * FROM enrollments\"}";

    private static Tenants.Tenant tenant(String quotas) throws Exception {
        return Tenants.create(Tenants.unique("quota"), "{\"quotas\":" + quotas + "}");
    }

    private static void assertThrottled(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(json(r).path("errorCode").asInt()).isEqualTo(429001);
        assertThat(r.headers().firstValue("x-ms-error-code")).contains("429001");
        int retry = Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retry).isBetween(1, 61);
    }

    @Test
    void theServiceApiAnswers429PastTheOperationsQuotaButSettingsStayReachable() throws Exception {
        Tenants.Tenant t = tenant("{\"operationsPerMinute\":2}");
        List<HttpResponse<String>> refused = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = call(t.connectionString(), "POST", "/enrollments/query", QUERY);
            if (r.statusCode() != 200) {
                refused.add(r);
            }
        }
        assertThat(refused).isNotEmpty().allSatisfy(QuotasIT::assertThrottled);
        assertThat(refused.get(0).body()).contains("quota of instance '" + t.name() + "' is 2 a minute");
        assertThatThrownBy(() -> {
            for (int i = 0; i < 3; i++) {
                t.sdk().getIndividualEnrollment("anyone");
            }
        }).isInstanceOf(ProvisioningServiceClientTooManyRequestsException.class);

        assertThat(call(t.connectionString(), "GET", "/instance", null).statusCode()).isEqualTo(200);
        HttpResponse<String> lifted = call(t.connectionString(), "PATCH", "/instance",
                "{\"quotas\":{\"operationsPerMinute\":null}}");
        assertThat(lifted.statusCode()).as(lifted.body()).isEqualTo(200);
        assertThat(json(lifted).path("quotas").path("operationsPerMinute").isNull()).isTrue();
        assertThat(call(t.connectionString(), "POST", "/enrollments/query", QUERY).statusCode()).isEqualTo(200);
    }

    @Test
    void enrollmentsBeyondTheCountQuotaAreRefused() throws Exception {
        Tenants.Tenant t = tenant("{\"enrollments\":1}");
        String body = "{\"attestation\":{\"type\":\"symmetricKey\"}}";
        assertThat(call(t.connectionString(), "PUT", "/enrollments/first", body).statusCode()).isEqualTo(200);
        assertThat(call(t.connectionString(), "PUT", "/enrollments/first", body).statusCode()).isEqualTo(200); // update
        HttpResponse<String> second = call(t.connectionString(), "PUT", "/enrollmentGroups/second", body);
        assertThrottled(second);
        assertThat(second.body()).contains("quota of 1 enrollments");
    }

    @Test
    void deviceRegistrationsPastTheQuotaGet429OverHttpsMqttAndTheJavaSdk() throws Exception {
        Tenants.Tenant t = tenant("{\"registrationsPerMinute\":1}");
        String id = Tenants.unique("throttled");
        String key = ((SymmetricKeyAttestation) t.sdk().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null))).getAttestation()).getPrimaryKey();
        RawDevice device = new RawDevice();
        String token = RawDevice.javaStyleToken(t.idScope(), id, key, RawDevice.inAnHour());
        String registration = "{\"registrationId\":\"" + id + "\"}";

        List<HttpResponse<String>> refused = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = device.register(t.idScope(), id, token, registration);
            if (r.statusCode() != 200 && r.statusCode() != 202) {
                refused.add(r);
            }
        }
        assertThat(refused).isNotEmpty().allSatisfy(QuotasIT::assertThrottled);

        // MQTT: the status and retry-after travel in the response topic.
        MqttClient c = new MqttClient("ssl://localhost:8883", id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName(t.idScope() + "/registrations/" + id + "/api-version=2019-03-31");
        o.setPassword(token.toCharArray());
        o.setSocketFactory(MusterUnderTest.trust().getSocketFactory());
        c.connect(o);
        BlockingQueue<String[]> replies = new LinkedBlockingQueue<>();
        try {
            c.subscribe("$dps/registrations/res/#", 1, (topic, m) -> replies.add(new String[] {topic,
                    new String(m.getPayload(), StandardCharsets.UTF_8)}));
            List<String[]> throttled = new ArrayList<>();
            for (int rid = 1; rid <= 3; rid++) {
                c.publish("$dps/registrations/PUT/iotdps-register/?$rid=" + rid,
                        new MqttMessage(registration.getBytes(StandardCharsets.UTF_8)));
                String[] reply = replies.poll(10, TimeUnit.SECONDS);
                assertThat(reply).isNotNull();
                if (reply[0].contains("/res/429/")) {
                    throttled.add(reply);
                }
            }
            assertThat(throttled).isNotEmpty().allSatisfy(reply -> {
                assertThat(reply[0]).matches("\\$dps/registrations/res/429/\\?\\$rid=\\d&retry-after=\\d+");
                JsonNode b = Json.tree(reply[1]);
                assertThat(b.path("errorCode").asInt()).isEqualTo(429001);
            });
        } finally {
            c.disconnect();
            c.close();
        }

        // AMQP: application properties status-code 429 and retry-after on the answer.
        try (RawAmqp.Device d = RawAmqp.connect(MusterUnderTest.info().ports().amqp(),
                MusterUnderTest.info().caCertificate(), "PLAIN", t.idScope() + "/registrations/" + id, token)) {
            d.receiver("amqps://localhost/" + t.idScope() + "/registrations/" + id);
            ProtonSender requests = d.sender(t.idScope() + "/registrations/" + id);
            List<Message> throttled = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                d.send(requests, RawAmqp.request("iotdps-register", Map.of(), registration));
                Message answer = d.reply();
                if (Integer.valueOf(429).equals(RawAmqp.property(answer, "status-code"))) {
                    throttled.add(answer);
                }
            }
            assertThat(throttled).isNotEmpty().allSatisfy(m -> {
                assertThat(Integer.parseInt(String.valueOf(RawAmqp.property(m, "retry-after")))).isBetween(1, 61);
                assertThat(RawAmqp.json(m).path("errorCode").asInt()).isEqualTo(429001);
            });
        }

        // The Java device SDK gives up on a 429 over HTTPS (reference §1.5): it reports an error, never an assignment.
        int failures = 0;
        for (int i = 0; i < 3; i++) {
            Devices.Outcome sdk = Devices.register(t.idScope(), id, key, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
            if (sdk.result() == null || sdk.result().getProvisioningDeviceClientStatus()
                    != ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED) {
                failures++;
            }
        }
        assertThat(failures).isGreaterThanOrEqualTo(1);

        JsonNode usage = json(call(t.connectionString(), "GET", "/usage?granularity=minute", null));
        assertThat(usage.path("failures").path("quotaExceeded").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(usage.path("operations").path("failedRegistration").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(MusterUnderTest.metrics())
                .contains("muster_registration_failures_total{id_scope=\"" + t.idScope() + "\",instance=\"" + t.name()
                        + "\",reason=\"quotaExceeded\"}");
    }
}
