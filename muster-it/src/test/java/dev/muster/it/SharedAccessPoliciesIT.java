package dev.muster.it;

import static dev.muster.it.ServiceRest.call;
import static dev.muster.it.ServiceRest.connectionString;
import static dev.muster.it.ServiceRest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Shared access policies: CRUD, key regeneration, and the right every route needs (the rights matrix). */
class SharedAccessPoliciesIT {
    private static final String ENROLLMENT = "{\"attestation\":{\"type\":\"symmetricKey\"}}";
    private static final String GROUP = "{\"attestation\":{\"type\":\"symmetricKey\"}}";
    private static final String QUERY = "{\"query\":\"SELECT * FROM enrollments\"}";
    private static final String GROUP_QUERY = "{\"query\":\"SELECT * FROM enrollmentGroups\"}";
    /** One policy per right, each holding only that right. */
    private static final Map<AccessRight, String> ONLY = new EnumMap<>(AccessRight.class);
    private static String owner;
    private static String host;

    private record Call(String method, String path, String body, AccessRight needs) {}

    @BeforeAll
    static void policies() throws Exception {
        owner = MusterUnderTest.info().serviceConnectionString();
        host = ConnectionString.parse(owner).hostName();
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        for (AccessRight r : AccessRight.values()) {
            String name = "only-" + r + "-" + suffix;
            HttpResponse<String> created = call(owner, "PUT", "/policies/" + name, "{\"rights\":\"" + r + "\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            ONLY.put(r, connectionString(host, name, json(created).path("primaryKey").asText()));
        }
    }

    private static List<Call> routes() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        return List.of(
                new Call("GET", "/enrollments/m-" + n, null, AccessRight.EnrollmentRead),
                new Call("PUT", "/enrollments/m-" + n, ENROLLMENT, AccessRight.EnrollmentWrite),
                new Call("POST", "/enrollments/m-" + n + "/attestationmechanism", null, AccessRight.EnrollmentRead),
                new Call("POST", "/enrollments/query", QUERY, AccessRight.EnrollmentRead),
                new Call("DELETE", "/enrollments/m-" + n, null, AccessRight.EnrollmentWrite),
                new Call("GET", "/enrollmentGroups/g-" + n, null, AccessRight.EnrollmentRead),
                new Call("PUT", "/enrollmentGroups/g-" + n, GROUP, AccessRight.EnrollmentWrite),
                new Call("POST", "/enrollmentGroups/g-" + n + "/attestationmechanism", null, AccessRight.EnrollmentRead),
                new Call("POST", "/enrollmentGroups/query", GROUP_QUERY, AccessRight.EnrollmentRead),
                new Call("POST", "/registrations/g-" + n + "/query", null, AccessRight.RegistrationStatusRead),
                new Call("DELETE", "/enrollmentGroups/g-" + n, null, AccessRight.EnrollmentWrite),
                new Call("GET", "/registrations/r-" + n, null, AccessRight.RegistrationStatusRead),
                new Call("GET", "/registrations/r-" + n + "/attempts", null, AccessRight.RegistrationStatusRead),
                new Call("DELETE", "/registrations/r-" + n, null, AccessRight.RegistrationStatusWrite),
                new Call("GET", "/linkedHubs", null, AccessRight.ServiceConfig),
                new Call("GET", "/certificates", null, AccessRight.ServiceConfig),
                new Call("GET", "/policies", null, AccessRight.ServiceConfig),
                new Call("GET", "/policies/nobody-" + n, null, AccessRight.ServiceConfig),
                new Call("PUT", "/policies/p-" + n, "{\"rights\":[\"EnrollmentRead\"]}", AccessRight.ServiceConfig),
                new Call("POST", "/policies/p-" + n + "/regenerateKey", "{\"keyType\":\"secondary\"}", AccessRight.ServiceConfig),
                new Call("DELETE", "/policies/p-" + n, null, AccessRight.ServiceConfig),
                new Call("GET", "/usage?granularity=day", null, AccessRight.ServiceConfig),
                new Call("GET", "/usage/failures?top=3", null, AccessRight.ServiceConfig),
                new Call("PATCH", "/instance", "{}", AccessRight.ServiceConfig),
                new Call("GET", "/instances", null, AccessRight.ServiceConfig));
    }

    @Test
    void everyRouteNeedsItsRightAndNamesItWhenMissing() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (AccessRight held : AccessRight.values()) {
            for (Call c : routes()) {
                HttpResponse<String> r = call(ONLY.get(held), c.method(), c.path(), c.body());
                String what = held + " → " + c.method() + " " + c.path() + ": " + r.statusCode() + " " + r.body();
                if (held == c.needs()) {
                    soft.assertThat(r.statusCode()).as(what).isNotIn(401, 403).isLessThan(500);
                } else {
                    soft.assertThat(r.statusCode()).as(what).isEqualTo(403);
                    soft.assertThat(r.statusCode() == 403 ? json(r).path("errorCode").asInt() : 0).as(what).isEqualTo(403002);
                    soft.assertThat(r.body()).as(what).contains("Shared access policy '"
                            + ConnectionString.parse(ONLY.get(held)).keyName() + "' lacks the " + c.needs()
                            + " right this call needs.");
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void anyValidPolicyReadsItsInstanceAndSeesItsOwnRights() throws Exception {
        for (AccessRight held : AccessRight.values()) {
            HttpResponse<String> r = call(ONLY.get(held), "GET", "/instance", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode doc = json(r);
            assertThat(doc.path("idScope").asText()).isEqualTo(MusterUnderTest.info().idScope());
            assertThat(doc.path("serviceHostName").asText()).isEqualTo(host);
            assertThat(doc.path("globalEndpoint").asText()).isEqualTo(MusterUnderTest.info().globalEndpoint());
            assertThat(doc.path("policy").path("rights").asText()).isEqualTo(held.name());
            assertThat(doc.path("policy").path("keyName").asText()).isEqualTo(ConnectionString.parse(ONLY.get(held)).keyName());
            assertThat(doc.path("policy").has("primaryKey")).isFalse();
            assertThat(doc.path("quotas").has("registrationsPerMinute")).isTrue();
        }
    }

    @Test
    void policiesAreListedReplacedAndDeletedButTheLastServiceConfigStays() throws Exception {
        String name = "ops-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> created = call(owner, "PUT", "/policies/" + name,
                "{\"rights\":\"EnrollmentRead, enrollmentWrite\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).path("rights").asText()).isEqualTo("EnrollmentRead, EnrollmentWrite");
        HttpResponse<String> replaced = call(owner, "PUT", "/policies/" + name.toUpperCase(), "{\"rights\":[\"ServiceConfig\"]}");
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(json(replaced).path("primaryKey").asText()).isEqualTo(json(created).path("primaryKey").asText());

        JsonNode list = json(call(owner, "GET", "/policies", null));
        assertThat(list.findValuesAsText("keyName")).contains("provisioningserviceowner", name);
        assertThat(call(owner, "GET", "/policies/" + name, null).body()).contains("\"rights\":\"ServiceConfig\"");
        assertThat(call(owner, "PUT", "/policies/" + name, "{\"rights\":\"DeviceConnect\"}").body())
                .contains("Unknown right 'DeviceConnect'");
        assertThat(call(owner, "DELETE", "/policies/" + name, null).statusCode()).isEqualTo(204);
        assertThat(call(owner, "GET", "/policies/" + name, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aRegeneratedKeyReplacesTheOldOne() throws Exception {
        String name = "rotate-" + UUID.randomUUID().toString().substring(0, 6);
        JsonNode p = json(call(owner, "PUT", "/policies/" + name, "{\"rights\":\"EnrollmentRead\"}"));
        String before = connectionString(host, name, p.path("primaryKey").asText());
        String secondary = connectionString(host, name, p.path("secondaryKey").asText());
        assertThat(call(before, "POST", "/enrollments/query", QUERY).statusCode()).isEqualTo(200);

        HttpResponse<String> r = call(owner, "POST", "/policies/" + name + "/regenerateKey", "{\"keyType\":\"primary\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        String after = connectionString(host, name, json(r).path("primaryKey").asText());

        HttpResponse<String> old = call(before, "POST", "/enrollments/query", QUERY);
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(json(old).path("errorCode").asInt()).isEqualTo(401002);
        assertThat(call(after, "POST", "/enrollments/query", QUERY).statusCode()).isEqualTo(200);
        assertThat(call(secondary, "POST", "/enrollments/query", QUERY).statusCode()).isEqualTo(200);
    }

    @Test
    void expiredTokensAreRefused() throws Exception {
        ConnectionString cs = ConnectionString.parse(owner);
        String expired = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() - 5);
        HttpResponse<String> r = call(host, expired, "GET", "/instance", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("expired");
    }
}
