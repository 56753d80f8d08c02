package dev.muster.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.server.http.DpsErrors;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The answers every device transport frames: the SDKs depend on the status, the retry-after and the field order. */
class DpsReplyTest {
    @Test
    void aFinishedRegistrationIsFinal() {
        DpsReply reply = DpsReply.of(new RegistrationOperationStatus("op", "assigned", null));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.retryAfter()).isNull();
    }

    @Test
    void anAssigningRegistrationTellsTheDeviceToPollLater() {
        DpsReply reply = DpsReply.of(new RegistrationOperationStatus("op", "assigning", null));

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.retryAfter()).isEqualTo(DpsReply.RETRY_AFTER_SECONDS);
    }

    @Test
    void aRefusalCarriesAzuresErrorFieldsInAzuresOrder() {
        DpsReply reply = DpsReply.of(ProvisioningException.unauthorized());

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.retryAfter()).isNull();
        assertThat(Json.write(reply.body())).startsWith("{\"errorCode\":401002,\"trackingId\":\"")
                .contains("\",\"message\":\"Unauthorized\",\"timestampUtc\":\"");
    }

    @Test
    void aThrottledRefusalKeepsItsOwnRetryAfter() {
        DpsReply reply = DpsReply.of(new ProvisioningException(429, 429001, "Too many requests",
                Map.of("Retry-After", "5")));

        assertThat(reply.retryAfter()).isEqualTo("5");
    }

    @Test
    void anUnexpectedFailureTellsTheDeviceNoMoreThanInternalError() {
        ProvisioningException refusal = DpsErrors.refusal(new IllegalStateException("database password is wrong"));

        assertThat(refusal.httpStatus()).isEqualTo(500);
        assertThat(refusal.errorCode()).isEqualTo(500000);
        assertThat(refusal.getMessage()).doesNotContain("password");
    }
}
