package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.ServiceAuthorizer;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.operations.QuotaGuard;
import dev.muster.server.http.Async;
import dev.muster.transport.Blocking;
import dev.muster.transport.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/** What every service API call does around its work: find the instance by host, check the right, run off the event loop. */
final class ServiceCalls {
    interface InstanceCall<T> {
        T apply(ProvisioningInstance instance) throws Exception;
    }

    interface PolicyCall<T> {
        T apply(ProvisioningInstance instance, SharedAccessPolicy caller) throws Exception;
    }

    private final InstanceStore instances;
    private final ServiceAuthorizer authorizer;
    private final Blocking blocking;
    private volatile QuotaGuard quotas;

    ServiceCalls(InstanceStore instances, ServiceAuthorizer authorizer, Blocking blocking) {
        this.instances = instances;
        this.authorizer = authorizer;
        this.blocking = blocking;
    }

    /** Enforces the instances' operations-per-minute quotas on every call made through {@link #call}. */
    void withQuotas(QuotaGuard guard) {
        this.quotas = guard;
    }

    /**
     * Finds the instance by host name, checks the caller's right and the instance's operations quota, then runs the
     * call off the event loop.
     */
    <T> void call(Exchange ex, AccessRight right, InstanceCall<T> work, Consumer<T> onValue) {
        String host = ex.host();
        String authorization = ex.header("Authorization");
        Callable<T> task = () -> {
            ProvisioningInstance instance = instanceAt(host);
            authorizer.authorize(instance, authorization, right);
            QuotaGuard guard = quotas;
            if (guard != null) {
                guard.admitOperation(instance);
            }
            return work.apply(instance);
        };
        Async.answer(ex, blocking.run(task), onValue);
    }

    /**
     * Like {@link #call} for the instance's own settings: any valid policy may call (the work checks rights itself),
     * and the operations quota does not apply, so an owner can always lift a quota.
     */
    <T> void callAs(Exchange ex, PolicyCall<T> work, Consumer<T> onValue) {
        String host = ex.host();
        String authorization = ex.header("Authorization");
        Callable<T> task = () -> {
            ProvisioningInstance instance = instanceAt(host);
            return work.apply(instance, authorizer.authenticate(instance, authorization));
        };
        Async.answer(ex, blocking.run(task), onValue);
    }

    private ProvisioningInstance instanceAt(String host) {
        return instances.instanceByServiceHost(host).orElseThrow(() ->
                new ProvisioningException(404, 404000, "No provisioning service instance is served at host '"
                        + host + "'; use the HostName of the service connection string."));
    }

    /** A query page: the rows, plus {@code x-ms-continuation} when the store returned more than {@code size}. */
    static <T> void page(Exchange ex, List<T> rows, int size, Function<T, String> id, String itemType) {
        page(ex, rows, size, id, Function.identity(), itemType);
    }

    /** A query page whose rows are answered in their {@code view}. */
    static <T> void page(Exchange ex, List<T> rows, int size, Function<T, String> id, Function<T, ?> view,
                         String itemType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ms-item-type", itemType);
        List<T> page = rows;
        if (rows.size() > size) {
            page = rows.subList(0, size);
            headers.put("x-ms-continuation", QueryPaging.continuation(id.apply(page.get(size - 1))));
        }
        ex.json(200, page.stream().map(view).toList(), headers);
    }

    static String queryText(Exchange ex) {
        JsonNode q = Json.tree(requireBody(ex)).get("query");
        if (q == null || !q.isTextual()) {
            throw ProvisioningException.badRequest("The query body must be {\"query\":\"SELECT * FROM …\"}.");
        }
        return q.asText();
    }

    static String requireBody(Exchange ex) {
        return Optional.ofNullable(ex.body()).filter(b -> !b.isBlank()).orElseThrow(
                () -> ProvisioningException.badRequest("A JSON request body is required."));
    }

    static ProvisioningException notFound(Exchange ex) {
        return new ProvisioningException(404, 404000, "No service API at " + ex.method() + " " + ex.request().path() + ".");
    }

    static ProvisioningException methodNotAllowed(Exchange ex) {
        return new ProvisioningException(405, 405000, "Method " + ex.method() + " is not allowed on "
                + ex.request().path() + ".");
    }
}
