package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import dev.muster.core.sas.ConnectionString;
import java.net.http.HttpResponse;
import java.util.UUID;

/** Provisioning service instances made for a test through the administrator's API ({@code PUT /instances/NAME}). */
final class Tenants {
    private Tenants() {}

    record Tenant(String name, String idScope, String host, String connectionString) {
        ProvisioningServiceClient sdk() {
            return ProvisioningServiceClient.createFromConnectionString(connectionString);
        }

        String key() {
            return ConnectionString.parse(connectionString).key();
        }
    }

    static String admin() {
        return MusterUnderTest.info().serviceConnectionString();
    }

    static Tenant create(String name, String body) throws Exception {
        HttpResponse<String> r = ServiceRest.call(admin(), "PUT", "/instances/" + name, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode doc = ServiceRest.json(r);
        return new Tenant(doc.path("name").asText(), doc.path("idScope").asText(), doc.path("serviceHostName").asText(),
                doc.path("connectionString").asText());
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
