package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AllocationPolicy;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.CustomAllocationDefinition;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.muster.core.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Custom allocation end to end: an "Azure Function" served by a local HTTP server checks Muster's request the way a
 * DPS allocation function does and answers hub, initial twin and payload; an unchanged Azure Java SDK device gets
 * the payload and its hub device the twin. Each way the webhook can fail gives a failed registration whose reason
 * the operator can read, without the function key.
 */
class CustomAllocationIT {
    /** Muster's webhook deadline in the shared test server (MusterUnderTest). */
    static final long WEBHOOK_TIMEOUT_MILLIS = 1500;
    private static final String SECRET = "It-Fn-Key_0123456789abcdef";

    private static HttpServer function;
    /** Requests the function accepted, per registration ID, in arrival order. */
    private static final Map<String, List<JsonNode>> seen = new ConcurrentHashMap<>();
    private static final List<Long> microsPerCall = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startFunction() throws IOException {
        // Without it the JDK server's Nagle delay meets the client's delayed ACK: ~40 ms per answer.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        function = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        function.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "allocation-function");
            t.setDaemon(true);
            return t;
        }));
        function.createContext("/api/allocate", CustomAllocationIT::allocate);
        function.createContext("/api/fail", ex -> answer(ex, 500, "{\"error\":\"allocation function crashed\"}"));
        function.createContext("/api/slow", ex -> {
            try {
                Thread.sleep(WEBHOOK_TIMEOUT_MILLIS * 3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, "{\"iotHubHostName\":\"" + MusterUnderTest.hub() + "\"}");
        });
        function.createContext("/api/invalid", ex -> answer(ex, 200, "<html>Function host is not running.</html>"));
        function.createContext("/api/unlinked", ex -> answer(ex, 200,
                "{\"iotHubHostName\":\"contoso-west.azure-devices.net\"}"));
        function.start();
    }

    @AfterAll
    static void stopFunction() {
        function.stop(0);
        if (!microsPerCall.isEmpty()) {
            List<Long> sorted = new ArrayList<>(microsPerCall);
            Collections.sort(sorted);
            System.out.println("allocation function handled " + sorted.size() + " calls; handler time median "
                    + sorted.get(sorted.size() / 2) + " µs");
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + function.getAddress().getPort() + path + "?code=" + SECRET;
    }

    /** What a DPS allocation function does: check the request, pick a hub from linkedHubs, answer twin + payload. */
    private static void allocate(HttpExchange ex) throws IOException {
        long started = System.nanoTime();
        if (!("code=" + SECRET).equals(ex.getRequestURI().getRawQuery())) {
            answer(ex, 401, "{\"error\":\"function key missing or wrong\"}");
            return;
        }
        String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        JsonNode request = Json.tree(text);
        String problem = problemWith(request, text, ex);
        if (problem != null) {
            answer(ex, 400, "{\"error\":\"" + problem + "\"}");
            return;
        }
        String registrationId = request.path("deviceRuntimeContext").path("registrationId").asText();
        seen.computeIfAbsent(registrationId, k -> new CopyOnWriteArrayList<>()).add(request);
        JsonNode devicePayload = request.path("deviceRuntimeContext").path("payload");
        if (devicePayload.isTextual()) {
            devicePayload = Json.tree(devicePayload.asText());  // the Java SDK sends its payload as JSON text
        }
        ObjectNode response = Json.object();
        String hub = MusterUnderTest.hub();
        boolean offered = false;
        for (JsonNode h : request.path("linkedHubs")) {
            offered |= h.asText().equalsIgnoreCase(hub);
        }
        response.put("iotHubHostName", offered ? hub : request.path("linkedHubs").get(0).asText());
        ObjectNode twin = response.putObject("initialTwin");
        twin.putObject("tags").put("allocatedBy", "webhook");
        twin.putObject("properties").putObject("desired").put("interval", 7);
        ObjectNode payload = response.putObject("payload");
        payload.put("greeting", "hello " + registrationId);
        payload.set("modelId", devicePayload.path("modelId"));
        payload.put("registrations", seen.get(registrationId).size());
        answer(ex, 200, Json.write(response));
        microsPerCall.add((System.nanoTime() - started) / 1000);
    }

    private static String problemWith(JsonNode request, String text, HttpExchange ex) {
        if (!ex.getRequestMethod().equals("POST")) {
            return "method " + ex.getRequestMethod();
        }
        if (!String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).startsWith("application/json")) {
            return "content type";
        }
        JsonNode context = request.path("deviceRuntimeContext");
        if (!context.path("registrationId").isTextual() || !context.path("symmetricKey").isObject()) {
            return "deviceRuntimeContext";
        }
        if (!request.path("linkedHubs").isArray() || request.path("linkedHubs").isEmpty()) {
            return "linkedHubs";
        }
        JsonNode enrollment = request.has("individualEnrollment") ? request.get("individualEnrollment")
                : request.get("enrollmentGroup");
        if (enrollment == null || !enrollment.path("attestation").path("type").isTextual()
                || enrollment.path("attestation").size() != 1) {
            return "enrollment attestation";
        }
        if (text.contains("primaryKey") || text.contains("secondaryKey")) {
            return "attestation secrets were sent";
        }
        return null;
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        } catch (IOException ignored) {
            // Muster gave up waiting (the time-out case)
        }
    }

    private static String enroll(String registrationId, String webhookPath) throws Exception {
        IndividualEnrollment e = new IndividualEnrollment(registrationId, new SymmetricKeyAttestation(null, null));
        e.setAllocationPolicy(AllocationPolicy.CUSTOM);
        CustomAllocationDefinition definition = new CustomAllocationDefinition();
        definition.setWebhookUrl(url(webhookPath));
        definition.setApiVersion("2021-10-01");
        e.setCustomAllocationDefinition(definition);
        TwinCollection tags = new TwinCollection();
        tags.put("source", "enrollment");
        TwinCollection desired = new TwinCollection();
        desired.put("interval", 60);
        e.setInitialTwin(new TwinState(tags, desired));
        return ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateIndividualEnrollment(e).getAttestation())
                .getPrimaryKey();
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void theWebhooksHubTwinAndPayloadReachTheDeviceAndItsHub() throws Exception {
        String id = id("custom");
        String key = enroll(id, "/api/allocate");

        Devices.Outcome first = Devices.register(id, key, ProvisioningDeviceClientTransportProtocol.HTTPS,
                "{\"modelId\":\"dtmi:contoso:Thermostat;1\"}");

        assertThat(first.error()).isNull();
        assertThat(first.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(first.result().getIothubUri()).isEqualTo(MusterUnderTest.hub());
        JsonNode payload = Json.tree(first.result().getProvisioningPayload());
        assertThat(payload.path("greeting").asText()).isEqualTo("hello " + id);
        assertThat(payload.path("modelId").asText()).as("the device's payload reached the function")
                .isEqualTo("dtmi:contoso:Thermostat;1");

        JsonNode request = seen.get(id).get(0);
        assertThat(request.path("individualEnrollment").path("registrationId").asText()).isEqualTo(id);
        assertThat(request.path("individualEnrollment").path("allocationPolicy").asText()).isEqualTo("custom");
        assertThat(request.path("linkedHubs")).extracting(JsonNode::asText).contains(MusterUnderTest.hub());
        assertThat(request.path("deviceRuntimeContext").has("currentIotHubHostName")).isFalse();

        // The hub device got the webhook's twin, not the enrollment's.
        JsonNode twin = MusterUnderTest.server().builtInHub().twins().twinJson(MusterUnderTest.hub(), id).orElseThrow();
        assertThat(twin.path("tags").path("allocatedBy").asText()).isEqualTo("webhook");
        assertThat(twin.path("tags").has("source")).isFalse();
        DeviceClient device = Devices.hubClient(first.result().getIothubUri(), first.result().getDeviceId(), key,
                IotHubClientProtocol.MQTT);
        try {
            device.open(false);
            device.subscribeToDesiredProperties((t, c) -> { }, null);
            assertThat(((Number) TwinReads.get(device).getDesiredProperties().get("interval")).intValue()).isEqualTo(7);
        } finally {
            device.close();
        }

        // The registration record keeps the payload (service API).
        JsonNode record = Json.tree(ServiceApiIT.raw("GET", "/registrations/" + id, null).body());
        assertThat(record.path("payload").path("greeting").asText()).isEqualTo("hello " + id);

        // Re-registration over MQTT: the function learns where the device is now and answers again.
        Devices.Outcome again = Devices.register(id, key, ProvisioningDeviceClientTransportProtocol.MQTT,
                "{\"modelId\":\"dtmi:contoso:Thermostat;2\"}");
        assertThat(again.error()).isNull();
        assertThat(Json.tree(again.result().getProvisioningPayload()).path("registrations").asInt()).isEqualTo(2);
        JsonNode context = seen.get(id).get(1).path("deviceRuntimeContext");
        assertThat(context.path("currentIotHubHostName").asText()).isEqualTo(MusterUnderTest.hub());
        assertThat(context.path("currentDeviceId").asText()).isEqualTo(id);
    }

    @Test
    void everyWebhookFailureFailsTheRegistrationWithAPreciseReasonAndNoSecret() throws Exception {
        Logger musterLog = (Logger) LoggerFactory.getLogger("dev.muster");
        Level level = musterLog.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        musterLog.addAppender(logs);
        musterLog.setLevel(Level.DEBUG);
        try {
            expectFailure("/api/fail", 400223, "answered HTTP 500", "allocation function crashed");
            expectFailure("/api/slow", 400222, "did not answer in time", "no answer within " + WEBHOOK_TIMEOUT_MILLIS
                    + " ms");
            expectFailure("/api/invalid", 400224, "invalid JSON", "Function host is not running");
            expectFailure("/api/unlinked", 400225, "'contoso-west.azure-devices.net'", "not one of the linked hubs");
        } finally {
            musterLog.detachAppender(logs);
            musterLog.setLevel(level);
        }
        assertThat(logs.list).as("Muster logged the failures").isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            assertThat(e.getFormattedMessage()).doesNotContain(SECRET).doesNotContain("code=");
            if (e.getThrowableProxy() != null) {
                assertThat(e.getThrowableProxy().getMessage()).doesNotContain(SECRET);
            }
        }
    }

    private void expectFailure(String path, int errorCode, String... reasonParts) throws Exception {
        String id = id("custom-fail");
        String key = enroll(id, path);

        Devices.Outcome o = Devices.register(id, key, ProvisioningDeviceClientTransportProtocol.HTTPS, null);

        assertThat(o.result() == null || o.result().getProvisioningDeviceClientStatus()
                != ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED).as(path).isTrue();
        HttpResponse<String> attempts = ServiceApiIT.raw("GET", "/registrations/" + id + "/attempts", null);
        assertThat(attempts.statusCode()).isEqualTo(200);
        assertThat(attempts.body()).as(path).doesNotContain(SECRET).doesNotContain("code=");
        JsonNode last = Json.tree(attempts.body()).get(0);
        assertThat(last.path("status").asText()).isEqualTo("failed");
        assertThat(last.path("errorCode").asInt()).as(path).isEqualTo(errorCode);
        assertThat(last.path("reason").asText()).as(path).contains(reasonParts)
                .contains("http://127.0.0.1:" + function.getAddress().getPort() + path + "?***");
        assertThat(ServiceApiIT.raw("GET", "/registrations/" + id, null).statusCode()).as("no record").isEqualTo(404);

        // What the device itself is told (raw protocol, to read registrationState).
        String token = RawDevice.javaStyleToken(MusterUnderTest.info().idScope(), id, key, RawDevice.inAnHour());
        HttpResponse<String> raw = new RawDevice().register(MusterUnderTest.info().idScope(), id, token,
                "{\"registrationId\":\"" + id + "\"}");
        if (raw.statusCode() == 200) {
            JsonNode state = Json.tree(raw.body()).path("registrationState");
            assertThat(Json.tree(raw.body()).path("status").asText()).isEqualTo("failed");
            assertThat(state.path("errorCode").asInt()).isEqualTo(errorCode);
            assertThat(state.path("errorMessage").asText()).contains(reasonParts[0]).doesNotContain(SECRET);
        } else {
            assertThat(raw.statusCode()).as("still working: answered 202, poll later").isEqualTo(202);
        }
    }
}
