package dev.muster.server.device;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.registration.DeviceCredentials;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.core.registration.RegistrationRequest;
import dev.muster.core.registration.RegistrationService;
import dev.muster.server.http.Async;
import dev.muster.transport.Blocking;
import dev.muster.transport.ClientCertificates;
import dev.muster.transport.Exchange;
import dev.muster.transport.Route;
import java.util.List;
import java.util.Map;

/**
 * The global device endpoint over HTTPS (reference §1): register, poll the operation, look up the status.
 * A registration that finishes within the quick-answer budget is answered at once with its final result;
 * otherwise the device gets 202 + Retry-After and polls while the work continues.
 */
public final class DeviceHttpApi implements Route {
    private final RegistrationService registrations;
    private final Blocking blocking;
    private final QuickAnswer quickAnswer;

    public DeviceHttpApi(RegistrationService registrations, Blocking blocking, long quickAnswerMillis) {
        this.registrations = registrations;
        this.blocking = blocking;
        this.quickAnswer = new QuickAnswer(registrations, blocking, quickAnswerMillis);
    }

    @Override
    public void handle(Exchange ex) {
        List<String> s = ex.segments();
        String method = ex.method();
        if (s.size() >= 3 && s.get(1).equalsIgnoreCase("registrations")) {
            String idScope = s.get(0);
            String registrationId = s.get(2);
            if (s.size() == 4 && s.get(3).equalsIgnoreCase("register") && method.equals("PUT")) {
                register(ex, idScope, registrationId);
                return;
            }
            if (s.size() == 5 && s.get(3).equalsIgnoreCase("operations") && method.equals("GET")) {
                poll(ex, idScope, registrationId, s.get(4));
                return;
            }
            if (s.size() == 3 && method.equals("POST")) {
                status(ex, idScope, registrationId);
                return;
            }
            if ((s.size() == 4 && s.get(3).equalsIgnoreCase("register")) || s.size() == 3 || s.size() == 5) {
                throw new ProvisioningException(405, 405000, "Method " + method + " is not allowed on " + ex.request().path());
            }
        }
        throw new ProvisioningException(404, 404000, "No device API at " + ex.request().path()
                + "; expected /{idScope}/registrations/{registrationId}/register.");
    }

    private void register(Exchange ex, String idScope, String registrationId) {
        JsonNode body = parseBody(ex);
        RegistrationRequest request = new RegistrationRequest(idScope, registrationId, body, credentials(ex),
                ex.query("api-version"));
        Async.answer(ex, quickAnswer.register(request), first -> {
            if (first.late()) {
                // As Azure's REST API does, the 202 of a late registration also names the register URL.
                ex.json(202, first.status(), Map.of(
                        "Retry-After", DpsReply.RETRY_AFTER_SECONDS,
                        "Location", "/" + idScope + "/registrations/" + registrationId + "/register"));
            } else {
                answer(ex, first.status());
            }
        });
    }

    private void poll(Exchange ex, String idScope, String registrationId, String operationId) {
        DeviceCredentials creds = credentials(ex);
        Async.answer(ex, blocking.run(() -> registrations.operationStatus(idScope, registrationId, operationId, creds)),
                result -> answer(ex, result));
    }

    private void status(Exchange ex, String idScope, String registrationId) {
        JsonNode body = parseBody(ex);
        if (body != null && body.hasNonNull("csr")) {
            // The status look-up issues nothing (spec 2025-07-01-preview: DeviceRegistrationStatusLookup).
            throw ProvisioningException.badRequest("The registration status look-up takes no csr; send it with"
                    + " PUT /{idScope}/registrations/{registrationId}/register.");
        }
        DeviceCredentials creds = credentials(ex);
        Async.answer(ex, blocking.run(() -> registrations.registrationStatus(idScope, registrationId, creds)),
                state -> ex.json(200, state));
    }

    private static void answer(Exchange ex, RegistrationOperationStatus result) {
        DpsReply reply = DpsReply.of(result);
        ex.json(reply.status(), reply.body(),
                reply.retryAfter() == null ? Map.of() : Map.of("Retry-After", reply.retryAfter()));
    }

    /** The SAS token (Authorization header) and/or the TLS client chain (X.509 devices send no Authorization). */
    private static DeviceCredentials credentials(Exchange ex) {
        return new DeviceCredentials(ex.header("Authorization"),
                ClientCertificates.of(ex.request().connection().sslSession()));
    }

    private static JsonNode parseBody(Exchange ex) {
        String body = ex.body();
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode node = Json.tree(body);
        if (!node.isObject()) {
            throw ProvisioningException.badRequest("The registration body must be a JSON object"
                    + " like {\"registrationId\":\"…\",\"payload\":…}.");
        }
        return node;
    }
}
