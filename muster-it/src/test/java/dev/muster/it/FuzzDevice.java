package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;

/** A symmetric-key device enrolled and registered once over HTTPS, whose valid requests a fuzz run mutates. */
record FuzzDevice(String idScope, String registrationId, String token, String operationId) {
    static FuzzDevice registered(String prefix) throws Exception {
        String scope = MusterUnderTest.info().idScope();
        String id = prefix + UUID.randomUUID().toString().substring(0, 6);
        String token = RawDevice.javaStyleToken(scope, id, ProtocolAbuseIT.enrollAndKey(id), RawDevice.inAnHour());
        HttpResponse<String> first = new RawDevice().register(scope, id, token, "{\"registrationId\":\"" + id + "\"}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        return new FuzzDevice(scope, id, token, ServiceRest.json(first).path("operationId").asText());
    }

    /** {@code {idScope}/registrations/{registrationId}}: the SAS resource, AMQP user name and link address. */
    String registration() {
        return idScope + "/registrations/" + registrationId;
    }
}
