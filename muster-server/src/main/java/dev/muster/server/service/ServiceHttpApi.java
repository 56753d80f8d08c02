package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.allocation.LinkedHubService;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.InstanceService;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.PolicyService;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.ServiceAuthorizer;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.operations.QuotaGuard;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.registration.OperationStore;
import dev.muster.core.registration.DeviceRegistrationState;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationService;
import dev.muster.core.x509.CertificateService;
import dev.muster.server.http.Async;
import dev.muster.server.http.Blocking;
import dev.muster.server.http.Exchange;
import dev.muster.server.http.Route;
import dev.muster.server.hub.HubHealthProbe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The service (management) API of reference §7, selected by the instance's service host name and guarded by
 * its shared access policies. Paths match case-insensitively; any api-version is accepted.
 */
public final class ServiceHttpApi implements Route {
    private final InstanceStore instances;
    private final ServiceAuthorizer authorizer;
    private final EnrollmentService enrollments;
    private final RegistrationService registrations;
    private final UsageMeter usage;
    private final Supplier<String> metrics;
    private final Blocking blocking;
    private final LinkedHubRoutes linkedHubs;
    private CertificateRoutes certificates;
    private final PolicyRoutes policies;
    private UsageRoutes usageRoutes;
    private InstanceRoutes instanceRoutes;
    private QuotaGuard quotas;

    public ServiceHttpApi(InstanceStore instances, ServiceAuthorizer authorizer, EnrollmentService enrollments,
                          RegistrationService registrations, UsageMeter usage, Supplier<String> metrics,
                          Blocking blocking, LinkedHubService links, HubHealthProbe health) {
        this.instances = instances;
        this.authorizer = authorizer;
        this.enrollments = enrollments;
        this.registrations = registrations;
        this.usage = usage;
        this.metrics = metrics;
        this.blocking = blocking;
        this.linkedHubs = new LinkedHubRoutes(links, health);
        this.policies = new PolicyRoutes(new PolicyService(instances));
    }

    /**
     * Serves {@code /instance}, {@code /instances} (administrators, on the default instance's host) and
     * {@code /usage}, and enforces the instances' operations-per-minute quotas.
     */
    public ServiceHttpApi withTenancy(InstanceService instanceService, InstanceHosts hosts, String globalEndpoint,
                                      String defaultInstance, OperationStore operations, QuotaGuard guard) {
        this.instanceRoutes = new InstanceRoutes(instanceService, hosts, globalEndpoint, defaultInstance);
        this.usageRoutes = new UsageRoutes(usage, operations);
        this.quotas = guard;
        return this;
    }

    /** Serves {@code /certificates} (CA certificates and proof of possession) with this service. */
    public ServiceHttpApi withCertificates(CertificateService service) {
        this.certificates = new CertificateRoutes(service);
        return this;
    }

    @Override
    public void handle(Exchange ex) {
        List<String> s = ex.segments();
        String root = s.get(0).toLowerCase(Locale.ROOT);
        if (root.equals("metrics") && s.size() == 1 && ex.method().equals("GET")) {
            ex.request().response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.get());
            return;
        }
        String host = ex.host();
        String authorization = ex.header("Authorization");
        String method = ex.method();
        switch (root) {
            case "enrollments" -> enrollmentRoutes(ex, s, method, host, authorization);
            case "enrollmentgroups" -> groupRoutes(ex, s, method, host, authorization);
            case "registrations" -> registrationRoutes(ex, s, method, host, authorization);
            case "linkedhubs" -> linkedHubRoutes(ex, s, method, host, authorization);
            case "certificates" -> certificateRoutes(ex, s, method, host, authorization);
            case "policies" -> policies.handle(this, ex, s, method, host, authorization);
            case "usage" -> requireRoutes(usageRoutes, ex).handle(this, ex, s, method, host, authorization);
            case "instance" -> requireRoutes(instanceRoutes, ex).settings(this, ex, s, method, host, authorization);
            case "instances" -> requireRoutes(instanceRoutes, ex).admin(this, ex, s, method, host, authorization);
            default -> notFound(ex);
        }
    }

    // ---- individual enrollments ------------------------------------------------------------------------------

    private void enrollmentRoutes(Exchange ex, List<String> s, String method, String host, String auth) {
        if (s.size() == 2 && s.get(1).equalsIgnoreCase("query") && method.equals("POST")) {
            QueryPaging.requireSelectAll(queryText(ex), "enrollments");
            int size = QueryPaging.pageSize(ex.header("x-ms-max-item-count"));
            String after = QueryPaging.after(ex.header("x-ms-continuation"));
            call(ex, host, auth, AccessRight.EnrollmentRead, i -> enrollments.enrollments(i.name(), after, size + 1),
                    page -> page(ex, page, size, IndividualEnrollment::registrationId, "enrollment"));
            return;
        }
        if (s.size() == 2) {
            String id = s.get(1);
            switch (method) {
                case "PUT" -> {
                    IndividualEnrollment body = Json.read(requireBody(ex), IndividualEnrollment.class);
                    String ifMatch = ex.header("If-Match");
                    call(ex, host, auth, AccessRight.EnrollmentWrite,
                            i -> enrollments.putEnrollment(i.name(), id, body, ifMatch).value(), e -> ex.json(200, e));
                }
                case "GET" -> call(ex, host, auth, AccessRight.EnrollmentRead, i -> withState(i, id),
                        e -> ex.json(200, e));
                case "DELETE" -> {
                    String ifMatch = ex.header("If-Match");
                    call(ex, host, auth, AccessRight.EnrollmentWrite, i -> {
                        enrollments.deleteEnrollment(i.name(), id, ifMatch);
                        return Boolean.TRUE;
                    }, v -> ex.empty(204));
                }
                default -> methodNotAllowed(ex);
            }
            return;
        }
        if (s.size() == 3 && s.get(2).equalsIgnoreCase("attestationmechanism") && method.equals("POST")) {
            call(ex, host, auth, AccessRight.EnrollmentRead, i -> enrollments.enrollment(i.name(), s.get(1)).attestation(),
                    a -> ex.json(200, a));
            return;
        }
        notFound(ex);
    }

    private IndividualEnrollment withState(ProvisioningInstance instance, String id) {
        IndividualEnrollment e = enrollments.enrollment(instance.name(), id);
        try {
            DeviceRegistrationState state = registrations.record(instance.name(), id);
            return state.enrollmentGroupId() == null ? e.withRegistrationState(state) : e;
        } catch (ProvisioningException notRegistered) {
            return e;
        }
    }

    // ---- enrollment groups -----------------------------------------------------------------------------------

    private void groupRoutes(Exchange ex, List<String> s, String method, String host, String auth) {
        if (s.size() == 2 && s.get(1).equalsIgnoreCase("query") && method.equals("POST")) {
            QueryPaging.requireSelectAll(queryText(ex), "enrollmentGroups", "enrollmentgroups");
            int size = QueryPaging.pageSize(ex.header("x-ms-max-item-count"));
            String after = QueryPaging.after(ex.header("x-ms-continuation"));
            call(ex, host, auth, AccessRight.EnrollmentRead, i -> enrollments.groups(i.name(), after, size + 1),
                    page -> page(ex, page, size, EnrollmentGroup::enrollmentGroupId, "enrollmentGroup"));
            return;
        }
        if (s.size() == 2) {
            String id = s.get(1);
            switch (method) {
                case "PUT" -> {
                    EnrollmentGroup body = Json.read(requireBody(ex), EnrollmentGroup.class);
                    String ifMatch = ex.header("If-Match");
                    call(ex, host, auth, AccessRight.EnrollmentWrite,
                            i -> enrollments.putGroup(i.name(), id, body, ifMatch).value(), g -> ex.json(200, g));
                }
                case "GET" -> call(ex, host, auth, AccessRight.EnrollmentRead, i -> enrollments.group(i.name(), id),
                        g -> ex.json(200, g));
                case "DELETE" -> {
                    String ifMatch = ex.header("If-Match");
                    call(ex, host, auth, AccessRight.EnrollmentWrite, i -> {
                        enrollments.deleteGroup(i.name(), id, ifMatch);
                        return Boolean.TRUE;
                    }, v -> ex.empty(204));
                }
                default -> methodNotAllowed(ex);
            }
            return;
        }
        if (s.size() == 3 && s.get(2).equalsIgnoreCase("attestationmechanism") && method.equals("POST")) {
            call(ex, host, auth, AccessRight.EnrollmentRead, i -> enrollments.group(i.name(), s.get(1)).attestation(),
                    a -> ex.json(200, a));
            return;
        }
        notFound(ex);
    }

    // ---- linked hubs ---------------------------------------------------------------------------------------------

    private void linkedHubRoutes(Exchange ex, List<String> s, String method, String host, String auth) {
        if (s.size() == 1 && method.equals("GET")) {
            call(ex, host, auth, AccessRight.ServiceConfig, linkedHubs::list, v -> ex.json(200, v));
        } else if (s.size() == 2) {
            String hub = s.get(1);
            switch (method) {
                case "GET" -> call(ex, host, auth, AccessRight.ServiceConfig, i -> linkedHubs.get(i, hub),
                        v -> ex.json(200, v));
                case "PUT" -> {
                    String body = ex.body();
                    boolean force = "true".equalsIgnoreCase(ex.query("force"));
                    call(ex, host, auth, AccessRight.ServiceConfig, i -> linkedHubs.put(i, hub, body, force),
                            v -> ex.json(200, v));
                }
                case "DELETE" -> call(ex, host, auth, AccessRight.ServiceConfig, i -> {
                    linkedHubs.delete(i, hub);
                    return Boolean.TRUE;
                }, v -> ex.empty(204));
                default -> methodNotAllowed(ex);
            }
        } else {
            notFound(ex);
        }
    }

    // ---- CA certificates (Muster's stand-in for Azure's ARM certificate API) ------------------------------------

    private void certificateRoutes(Exchange ex, List<String> s, String method, String host, String auth) {
        if (certificates == null) {
            notFound(ex);
        }
        String ifMatch = ex.header("If-Match");
        if (s.size() == 1 && method.equals("GET")) {
            call(ex, host, auth, AccessRight.ServiceConfig, certificates::list, v -> ex.json(200, v));
        } else if (s.size() == 2) {
            String name = s.get(1);
            switch (method) {
                case "PUT" -> {
                    String body = ex.body();
                    call(ex, host, auth, AccessRight.ServiceConfig, i -> certificates.put(i, name, body, ifMatch),
                            w -> ex.json(w.created() ? 201 : 200, CertificateRoutes.view(w.certificate())));
                }
                case "GET" -> call(ex, host, auth, AccessRight.ServiceConfig, i -> certificates.get(i, name),
                        v -> ex.json(200, v));
                case "DELETE" -> call(ex, host, auth, AccessRight.ServiceConfig, i -> {
                    certificates.delete(i, name, ifMatch);
                    return Boolean.TRUE;
                }, v -> ex.empty(204));
                default -> methodNotAllowed(ex);
            }
        } else if (s.size() == 3 && method.equals("POST") && s.get(2).equalsIgnoreCase("generateVerificationCode")) {
            call(ex, host, auth, AccessRight.ServiceConfig,
                    i -> certificates.generateVerificationCode(i, s.get(1), ifMatch), v -> ex.json(200, v));
        } else if (s.size() == 3 && method.equals("POST") && s.get(2).equalsIgnoreCase("verify")) {
            String body = ex.body();
            call(ex, host, auth, AccessRight.ServiceConfig, i -> certificates.verify(i, s.get(1), ifMatch, body),
                    v -> ex.json(200, v));
        } else if (s.size() == 3) {
            methodNotAllowed(ex);
        } else {
            notFound(ex);
        }
    }

    // ---- registration records --------------------------------------------------------------------------------

    private void registrationRoutes(Exchange ex, List<String> s, String method, String host, String auth) {
        if (s.size() == 3 && s.get(2).equalsIgnoreCase("query") && method.equals("POST")) {
            String groupId = s.get(1);
            int size = QueryPaging.pageSize(ex.header("x-ms-max-item-count"));
            String after = QueryPaging.after(ex.header("x-ms-continuation"));
            call(ex, host, auth, AccessRight.RegistrationStatusRead, i -> {
                enrollments.group(i.name(), groupId);
                return registrations.recordsOfGroup(i.name(), groupId, after, size + 1);
            }, page -> page(ex, page, size, DeviceRegistrationState::registrationId, "deviceRegistration"));
            return;
        }
        if (s.size() == 3 && s.get(2).equalsIgnoreCase("attempts") && method.equals("GET")) {
            // Muster addition: why a device was refused, for operators (never shown to devices).
            call(ex, host, auth, AccessRight.RegistrationStatusRead,
                    i -> attempts(registrations.failedAttempts(i.name(), s.get(1), 20)), v -> ex.json(200, v));
            return;
        }
        if (s.size() == 2) {
            String id = s.get(1);
            switch (method) {
                case "GET" -> call(ex, host, auth, AccessRight.RegistrationStatusRead,
                        i -> registrations.record(i.name(), id), r -> ex.json(200, r));
                case "DELETE" -> {
                    String ifMatch = ex.header("If-Match");
                    call(ex, host, auth, AccessRight.RegistrationStatusWrite, i -> {
                        registrations.deleteRecord(i.name(), id, ifMatch);
                        return Boolean.TRUE;
                    }, v -> ex.empty(204));
                }
                default -> methodNotAllowed(ex);
            }
            return;
        }
        notFound(ex);
    }

    private static List<Map<String, Object>> attempts(List<RegistrationOperation> ops) {
        return ops.stream().map(o -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("operationId", o.operationId());
            m.put("registrationId", o.registrationId());
            m.put("timestampUtc", Timestamps.format(o.createdAt()));
            m.put("status", o.result().status());
            DeviceRegistrationState st = o.result().registrationState();
            if (st != null && st.errorCode() != null) {
                m.put("errorCode", st.errorCode());
            }
            m.put("reason", o.failureDetail());
            return m;
        }).toList();
    }

    // ---- plumbing --------------------------------------------------------------------------------------------

    interface InstanceCall<T> {
        T apply(ProvisioningInstance instance) throws Exception;
    }

    interface PolicyCall<T> {
        T apply(ProvisioningInstance instance, SharedAccessPolicy caller) throws Exception;
    }

    /**
     * Finds the instance by host name, checks the caller's right and the instance's operations quota, then runs the
     * call off the event loop.
     */
    <T> void call(Exchange ex, String host, String authorization, AccessRight right, InstanceCall<T> work,
                  java.util.function.Consumer<T> onValue) {
        Callable<T> task = () -> {
            ProvisioningInstance instance = instanceAt(host);
            authorizer.authorize(instance, authorization, right);
            if (quotas != null) {
                quotas.admitOperation(instance);
            }
            return work.apply(instance);
        };
        Async.answer(ex, blocking.run(task), onValue);
    }

    /**
     * Like {@link #call} for the instance's own settings: any valid policy may call (the work checks rights itself),
     * and the operations quota does not apply, so an owner can always lift a quota.
     */
    <T> void callAs(Exchange ex, String host, String authorization, PolicyCall<T> work,
                    java.util.function.Consumer<T> onValue) {
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

    private static <R> R requireRoutes(R routes, Exchange ex) {
        if (routes == null) {
            notFound(ex);
        }
        return routes;
    }

    private static <T> void page(Exchange ex, List<T> rows, int size, Function<T, String> id, String itemType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ms-item-type", itemType);
        List<T> page = rows;
        if (rows.size() > size) {
            page = rows.subList(0, size);
            headers.put("x-ms-continuation", QueryPaging.continuation(id.apply(page.get(size - 1))));
        }
        ex.json(200, page, headers);
    }

    private static String queryText(Exchange ex) {
        JsonNode body = Json.tree(requireBody(ex));
        JsonNode q = body.get("query");
        if (q == null || !q.isTextual()) {
            throw ProvisioningException.badRequest("The query body must be {\"query\":\"SELECT * FROM …\"}.");
        }
        return q.asText();
    }

    static String requireBody(Exchange ex) {
        return Optional.ofNullable(ex.body()).filter(b -> !b.isBlank()).orElseThrow(
                () -> ProvisioningException.badRequest("A JSON request body is required."));
    }

    static void requireShape(boolean ok, Exchange ex) {
        if (!ok) {
            notFound(ex);
        }
    }

    static void notFound(Exchange ex) {
        throw new ProvisioningException(404, 404000, "No service API at " + ex.method() + " " + ex.request().path() + ".");
    }

    static void methodNotAllowed(Exchange ex) {
        throw new ProvisioningException(405, 405000, "Method " + ex.method() + " is not allowed on "
                + ex.request().path() + ".");
    }
}
