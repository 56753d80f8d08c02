package dev.muster.server.device;

import dev.muster.core.ProvisioningException;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.server.http.DpsErrors;

/**
 * One answer of the DPS device API, before a transport frames it (reference §1–§3): the HTTP status (HTTPS sends it
 * as the status line, MQTT in the topic {@code res/{status}/}, AMQP as {@code status-code}), the JSON body, and the
 * seconds the device should wait before it asks again (HTTPS {@code Retry-After}, MQTT and AMQP {@code retry-after};
 * null when the answer is final). Building it once keeps the three transports from drifting apart.
 */
public record DpsReply(int status, Object body, String retryAfter) {
    /** What we tell a device to wait while its registration is still assigning. */
    public static final String RETRY_AFTER_SECONDS = "2";

    /** 200 with the final result, or 202 with a retry-after while the device must poll. */
    public static DpsReply of(RegistrationOperationStatus result) {
        return result.isTerminal() ? new DpsReply(200, result, null)
                : new DpsReply(202, result, RETRY_AFTER_SECONDS);
    }

    /** The refusal's status and error body; throttling refusals carry their own Retry-After. */
    public static DpsReply of(ProvisioningException refusal) {
        return new DpsReply(refusal.httpStatus(), DpsErrors.body(refusal), refusal.headers().get("Retry-After"));
    }
}
