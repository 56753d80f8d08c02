package dev.muster.core.allocation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.enrollment.WebhookUrls;

/**
 * The custom-allocation webhook port (reference §8): POSTs Azure's {@code AllocationRequest} JSON to the
 * enrollment's {@code customAllocationDefinition.webhookUrl} and hands back the answer. Core stays free of HTTP:
 * the server implements this with an HTTP client, tests with a lambda. Interpreting the answer (status, JSON,
 * hub, twin, payload) is core's job ({@link CustomAllocation}), so every failure gets the same precise message
 * whatever transport delivered it.
 *
 * <p>The URL may carry a secret ({@code ?code=…} for Azure Functions). Implementations must never write the URL,
 * or any part of its query string, to logs or into exception messages; use {@link WebhookUrls#mask(String)}.
 */
@FunctionalInterface
public interface AllocationWebhook {
    /** A server without a webhook client: every custom allocation fails with a message saying so. */
    AllocationWebhook NONE = (url, request) -> {
        throw new AllocationWebhookException(AllocationWebhookException.Kind.NOT_AVAILABLE,
                "this Muster server has no webhook client configured");
    };

    /**
     * @param webhookUrl the enrollment's webhook URL, secret included (it is needed to call the function)
     * @param request the AllocationRequest body
     * @return the HTTP answer, whatever its status (core decides what a non-2xx means)
     * @throws AllocationWebhookException when no HTTP answer arrived: time-out, connection or TLS failure, an
     *         answer too large to accept
     */
    Response post(String webhookUrl, ObjectNode request) throws AllocationWebhookException;

    /** The webhook's HTTP answer: status code and body text (possibly empty). */
    record Response(int status, String body) {}
}
