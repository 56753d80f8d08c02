package dev.muster.server.service;

import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.allocation.LinkedHubService;
import dev.muster.core.enrollment.BulkEnrollmentOperation;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.InstanceService;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.PolicyService;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.ServiceAuthorizer;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.operations.QuotaGuard;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.registration.DeviceRegistrationState;
import dev.muster.core.registration.OperationStore;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationService;
import dev.muster.core.x509.CertificateService;
import dev.muster.server.hub.HubHealthProbe;
import dev.muster.transport.Blocking;
import dev.muster.transport.Exchange;
import dev.muster.transport.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The service (management) API of reference §7, selected by the instance's service host name and guarded by
 * its shared access policies. Paths match case-insensitively; any api-version is accepted.
 */
public final class ServiceHttpApi implements Route {
    private final ServiceCalls calls;
    private final EnrollmentService enrollments;
    private final RegistrationService registrations;
    private final UsageMeter usage;
    private final Supplier<String> metrics;
    private final EnrollmentRoutes enrollmentRoutes;
    private final LinkedHubRoutes linkedHubs;
    private CertificateRoutes certificates;
    private LiveRegistrations live;
    private final PolicyRoutes policies;
    private UsageRoutes usageRoutes;
    private InstanceRoutes instanceRoutes;

    public ServiceHttpApi(InstanceStore instances, ServiceAuthorizer authorizer, EnrollmentService enrollments,
                          RegistrationService registrations, UsageMeter usage, Supplier<String> metrics,
                          Blocking blocking, LinkedHubService links, HubHealthProbe health) {
        this.calls = new ServiceCalls(instances, authorizer, blocking);
        this.enrollments = enrollments;
        this.registrations = registrations;
        this.usage = usage;
        this.metrics = metrics;
        this.enrollmentRoutes = new EnrollmentRoutes(calls, enrollments, registrations,
                new BulkEnrollmentOperation(enrollments, usage));
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
        calls.withQuotas(guard);
        return this;
    }

    /** Serves {@code /certificates} (CA certificates and proof of possession) with this service. */
    public ServiceHttpApi withCertificates(CertificateService service) {
        this.certificates = new CertificateRoutes(service);
        return this;
    }

    /** Serves {@code GET /events/registrations} (the portal's live view) from these events. */
    public ServiceHttpApi withLiveRegistrations(LiveRegistrations events) {
        this.live = events;
        return this;
    }

    @Override
    public void handle(Exchange ex) {
        List<String> s = ex.segments();
        String root = s.get(0).toLowerCase(Locale.ROOT);
        ApiRoutes.requireKnown(ex);
        if (root.equals("openapi.json")) {
            OpenApiDocument.serve(ex);
            return;
        }
        if (root.equals("metrics") && s.size() == 1 && ex.method().equals("GET")) {
            ex.request().response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.get());
            return;
        }
        String host = ex.host();
        String authorization = ex.header("Authorization");
        String method = ex.method();
        switch (root) {
            case "enrollments" -> enrollmentRoutes.individuals(ex);
            case "enrollmentgroups" -> enrollmentRoutes.groups(ex);
            case "registrations" -> registrationRoutes(ex, s, method, host, authorization);
            case "linkedhubs" -> linkedHubRoutes(ex, s, method, host, authorization);
            case "certificates" -> certificateRoutes(ex, s, method, host, authorization);
            case "events" -> {
                requireShape(live != null && s.size() == 2 && s.get(1).equalsIgnoreCase("registrations")
                        && method.equals("GET"), ex);
                call(ex, host, authorization, AccessRight.RegistrationStatusRead, i -> i, i -> live.open(ex, i));
            }
            case "policies" -> policies.handle(this, ex, s, method, host, authorization);
            case "usage" -> requireRoutes(usageRoutes, ex).handle(this, ex, s, method, host, authorization);
            case "instance" -> requireRoutes(instanceRoutes, ex).settings(this, ex, s, method, host, authorization);
            case "instances" -> requireRoutes(instanceRoutes, ex).admin(this, ex, s, method, host, authorization);
            default -> notFound(ex);
        }
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
            }, page -> ServiceCalls.page(ex, page, size, DeviceRegistrationState::registrationId, "deviceRegistration"));
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

    /** Finds the instance by host name, checks the caller's right and the operations quota, then runs the call. */
    <T> void call(Exchange ex, String host, String authorization, AccessRight right,
                  ServiceCalls.InstanceCall<T> work, java.util.function.Consumer<T> onValue) {
        calls.call(ex, right, work, onValue);
    }

    /** For the instance's own settings: any valid policy may call (the work checks rights itself). */
    <T> void callAs(Exchange ex, String host, String authorization, ServiceCalls.PolicyCall<T> work,
                    java.util.function.Consumer<T> onValue) {
        calls.callAs(ex, work, onValue);
    }

    private static <R> R requireRoutes(R routes, Exchange ex) {
        if (routes == null) {
            notFound(ex);
        }
        return routes;
    }

    static String requireBody(Exchange ex) {
        return ServiceCalls.requireBody(ex);
    }

    static void requireShape(boolean ok, Exchange ex) {
        if (!ok) {
            notFound(ex);
        }
    }

    static void notFound(Exchange ex) {
        throw ServiceCalls.notFound(ex);
    }

    static void methodNotAllowed(Exchange ex) {
        throw ServiceCalls.methodNotAllowed(ex);
    }
}
