package dev.muster.server.service;

import dev.muster.core.Timestamps;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationService;
import dev.muster.transport.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /registrations}: the devices' registration records (reference §7), and Muster's failed-attempt log. */
final class RegistrationRoutes {
    private final ServiceCalls calls;
    private final EnrollmentService enrollments;
    private final RegistrationService registrations;

    RegistrationRoutes(ServiceCalls calls, EnrollmentService enrollments, RegistrationService registrations) {
        this.calls = calls;
        this.enrollments = enrollments;
        this.registrations = registrations;
    }

    void get(Exchange ex, String id) {
        calls.call(ex, AccessRight.RegistrationStatusRead, i -> registrations.record(i.name(), id), r -> ex.json(200, r));
    }

    void delete(Exchange ex, String id) {
        String ifMatch = ex.header("If-Match");
        calls.call(ex, AccessRight.RegistrationStatusWrite, i -> {
            registrations.deleteRecord(i.name(), id, ifMatch);
            return Boolean.TRUE;
        }, v -> ex.empty(204));
    }

    void queryGroup(Exchange ex, String groupId) {
        int size = QueryPaging.pageSize(ex.header("x-ms-max-item-count"));
        String after = QueryPaging.after(ex.header("x-ms-continuation"));
        calls.call(ex, AccessRight.RegistrationStatusRead, i -> {
            enrollments.group(i.name(), groupId);
            return registrations.recordsOfGroup(i.name(), groupId, after, size + 1);
        }, page -> ServiceCalls.page(ex, page, size, DeviceRegistrationState::registrationId, "deviceRegistration"));
    }

    /** Muster addition: why a device was refused, for operators (never shown to devices). */
    void attempts(Exchange ex, String id) {
        calls.call(ex, AccessRight.RegistrationStatusRead,
                i -> attempts(registrations.failedAttempts(i.name(), id, 20)), v -> ex.json(200, v));
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
}
