package dev.muster.it;

import static dev.muster.it.FuzzRun.ANSWER_MILLIS;
import static dev.muster.it.FuzzRun.WAIT_MILLIS;

import dev.muster.core.sas.ConnectionString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mutated HTTPS requests to every API on 443 (DPS device API, service API, hub REST API, portal, health) never get
 * a 5xx, never leave an unhandled exception in the server log, and never leave a connection open; a request whose
 * framing is intact is always answered. The device and service requests carry valid SAS tokens, so the mutated
 * bodies reach the parsers behind the authorization checks.
 */
class HttpFuzzIT {
    private static final long SEED = 20_261_203L;
    private static final int INPUTS = 400;

    @Test
    void mutatedRequestsGetNoServerErrorAndLeaveNoConnectionOpen() throws Exception {
        List<HttpRequests.Template> templates = templates();
        FuzzRun run = new FuzzRun("HTTPS", SEED);
        HttpRequests requests = new HttpRequests(run.fuzz(), templates);
        for (int i = 0; i < INPUTS; i++) {
            HttpRequests.Case c = requests.next();
            run.submit(i, c.bytes(), () -> exchange(c));
        }
        run.finish();
    }

    private static String exchange(HttpRequests.Case c) throws Exception {
        try (Wire wire = Wire.open(c.host(), 443)) {
            wire.send(c.bytes());
            byte[] answer = wire.read(c.framed() ? ANSWER_MILLIS : WAIT_MILLIS, a -> finalStatus(a) > 0);
            int status = finalStatus(answer);
            String error = serverError(wire, c.bytes(), status);
            if (error != null) {
                return error;
            }
            if (c.framed() && status < 0 && !wire.closedByServer()) {
                return "a framed request was neither answered nor closed within " + ANSWER_MILLIS + " ms";
            }
            return null;
        }
    }

    /** What is wrong with an answer of this status, or null: any 5xx but a version refusal. Reads its rest. */
    static String serverError(Wire wire, byte[] request, int status) throws java.io.IOException {
        if (status < 500) {
            return null;
        }
        byte[] all = wire.read(1000, a -> false);  // the body, and whether the server closes after it
        return versionRefusal(status, request, wire.closedByServer()) ? null
                : "answered " + status + ": " + new String(all, StandardCharsets.UTF_8);
    }

    /**
     * A request line whose version is neither HTTP/1.0 nor HTTP/1.1 is refused before any API sees it: 505, as RFC
     * 9110 has it for a version the server does not speak, or 501 where Vert.x answers it itself
     * (Http1xServerRequestHandler), and a close. The one 5xx allowed, for exactly those request lines.
     */
    private static boolean versionRefusal(int status, byte[] request, boolean closed) {
        return (status == 501 || status == 505) && unspokenVersion(request) && closed;
    }

    /** Whether the request line names a version other than HTTP/1.0 and HTTP/1.1 (lower case, 1.2, 2.0, …). */
    private static boolean unspokenVersion(byte[] request) {
        String text = new String(request, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n");
        String line = end < 0 ? text : text.substring(0, end);
        return !line.endsWith(" HTTP/1.1") && !line.endsWith(" HTTP/1.0");
    }

    /** The status of the first complete non-1xx response head, or -1 while there is none. */
    static int finalStatus(byte[] received) {
        String text = new String(received, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (true) {
            int end = text.indexOf("\r\n\r\n", at);
            if (end < 0 || !text.startsWith("HTTP/", at)) {
                return -1;
            }
            String[] line = text.substring(at, text.indexOf("\r\n", at)).split(" ", 3);
            int status = line.length < 2 ? -1 : parse(line[1]);
            if (status < 100 || status >= 200) {
                return status < 0 ? 999 : status;  // an unparsable status line is no valid answer either
            }
            at = end + 4;
        }
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One valid request per API and kind of body, for a device enrolled, registered and present in its hub. */
    private static List<HttpRequests.Template> templates() throws Exception {
        FuzzDevice d = FuzzDevice.registered("fuzz-http-");
        String scope = d.idScope();
        String id = d.registrationId();
        String deviceToken = d.token();
        String operationId = d.operationId();
        String service = ConnectionString.parse(MusterUnderTest.info().serviceConnectionString()).hostName();
        String serviceToken = ServiceRest.token(MusterUnderTest.info().serviceConnectionString(), 3600);
        String hubConnection = MusterUnderTest.info().hubs().get(0).connectionString();
        String hub = ConnectionString.parse(hubConnection).hostName();
        String hubToken = ServiceRest.token(hubConnection, 3600);
        String dps = MusterUnderTest.info().globalEndpoint();
        String json = "Content-Type: application/json; charset=utf-8";
        String device = "/" + scope + "/registrations/" + id;
        String api = "?api-version=2021-06-01";
        String serviceApi = "?api-version=2021-10-01";
        String hubApi = "?api-version=2021-04-12";
        String key64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        List<HttpRequests.Template> t = new ArrayList<>();
        List<String> asDevice = List.of("Host: " + dps, "Authorization: " + deviceToken, json);
        List<String> asService = List.of("Host: " + service, "Authorization: " + serviceToken, json);
        List<String> asHubService = List.of("Host: " + hub, "Authorization: " + hubToken, json);
        t.add(new HttpRequests.Template(dps, "PUT", device + "/register" + api, asDevice,
                "{\"registrationId\":\"" + id + "\",\"payload\":{\"modelId\":\"dtmi:x;1\",\"n\":[1,2]}}"));
        t.add(new HttpRequests.Template(dps, "GET", device + "/operations/" + operationId + api, asDevice, null));
        t.add(new HttpRequests.Template(dps, "POST", device + api, asDevice, "{\"registrationId\":\"" + id + "\"}"));
        t.add(new HttpRequests.Template(dps, "PUT", device + "/register" + api, List.of("Host: " + dps, json),
                "{\"registrationId\":\"" + id + "\",\"tpm\":{\"endorsementKey\":\"" + key64 + "\",\"storageRootKey\":\""
                        + key64 + "\"}}"));
        t.add(new HttpRequests.Template(service, "PUT", "/enrollments/" + id + "-e" + serviceApi, asService,
                "{\"registrationId\":\"" + id + "-e\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{"
                        + "\"primaryKey\":\"" + key64 + "\",\"secondaryKey\":\"" + key64 + "\"}},\"provisioningStatus\":"
                        + "\"enabled\",\"allocationPolicy\":\"hashed\",\"iotHubs\":[\"" + hub + "\"],\"initialTwin\":{"
                        + "\"tags\":{\"a\":1},\"properties\":{\"desired\":{\"b\":{\"c\":2}}}},\"capabilities\":{"
                        + "\"iotEdge\":false},\"reprovisionPolicy\":{\"updateHubAssignment\":true,"
                        + "\"migrateDeviceData\":true},\"optionalDeviceInformation\":{\"x\":1}}"));
        t.add(new HttpRequests.Template(service, "PUT", "/enrollmentGroups/" + id + "-g" + serviceApi, asService,
                "{\"enrollmentGroupId\":\"" + id + "-g\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":"
                        + "{}},\"provisioningStatus\":\"disabled\",\"customAllocationDefinition\":{\"webhookUrl\":"
                        + "\"https://localhost:1/x\",\"apiVersion\":\"2021-10-01\"}}"));
        t.add(new HttpRequests.Template(service, "POST", "/enrollments/query" + serviceApi, asService,
                "{\"query\":\"SELECT * FROM enrollments\"}"));
        t.add(new HttpRequests.Template(service, "POST", "/enrollments" + serviceApi, asService,
                "{\"mode\":\"create\",\"enrollments\":[{\"registrationId\":\"" + id + "-b\",\"attestation\":{\"type\":"
                        + "\"symmetricKey\"}}]}"));
        t.add(new HttpRequests.Template(service, "GET", "/registrations/" + id + serviceApi, asService, null));
        t.add(new HttpRequests.Template(service, "PUT", "/certificates/" + id + "-c" + serviceApi, asService,
                "{\"certificate\":\"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\"}"));
        t.add(new HttpRequests.Template(hub, "GET", "/devices/" + id + hubApi, asHubService, null));
        t.add(new HttpRequests.Template(hub, "PUT", "/devices/" + id + "-h" + hubApi, asHubService,
                "{\"deviceId\":\"" + id + "-h\",\"status\":\"enabled\",\"authentication\":{\"type\":\"sas\","
                        + "\"symmetricKey\":{\"primaryKey\":\"" + key64 + "\",\"secondaryKey\":\"" + key64 + "\"}}}"));
        t.add(new HttpRequests.Template(hub, "PATCH", "/twins/" + id + hubApi, asHubService,
                "{\"tags\":{\"t\":1},\"properties\":{\"desired\":{\"d\":{\"e\":true}}}}"));
        t.add(new HttpRequests.Template(hub, "PUT", "/twins/" + id + hubApi, asHubService,
                "{\"tags\":{\"t\":2},\"properties\":{\"desired\":{\"d\":null}}}"));
        t.add(new HttpRequests.Template(dps, "GET", "/portal/", List.of("Host: " + dps), null));
        t.add(new HttpRequests.Template(dps, "GET", "/portal/js/app.js", List.of("Host: " + dps), null));
        t.add(new HttpRequests.Template(dps, "GET", "/health", List.of("Host: " + dps), null));
        return t;
    }
}
