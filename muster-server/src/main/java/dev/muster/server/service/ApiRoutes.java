package dev.muster.server.service;

import dev.muster.transport.Exchange;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every route of the service API, as {@code METHOD /path/{param}} templates: the one list that decides what is a
 * service API call (404 for an unknown path, 405 for a known path with another method) and that the OpenAPI
 * document is checked against. Literal segments match case-insensitively; a root not listed here is left to its
 * handler.
 */
final class ApiRoutes {
    record Template(String method, String path) {
        List<String> segments() {
            return List.of(path.substring(1).split("/"));
        }

        boolean matchesPath(List<String> actual) {
            List<String> expected = segments();
            if (expected.size() != actual.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                String e = expected.get(i);
                if (!(e.startsWith("{") || e.equalsIgnoreCase(actual.get(i)))) {
                    return false;
                }
            }
            return true;
        }
    }

    static final List<Template> ALL = List.of(
            t("GET /openapi.json"),
            t("GET /metrics"),
            t("POST /enrollments"),
            t("POST /enrollments/query"),
            t("PUT /enrollments/{registrationId}"),
            t("GET /enrollments/{registrationId}"),
            t("DELETE /enrollments/{registrationId}"),
            t("POST /enrollments/{registrationId}/attestationmechanism"),
            t("POST /enrollmentGroups"),
            t("POST /enrollmentGroups/query"),
            t("PUT /enrollmentGroups/{enrollmentGroupId}"),
            t("GET /enrollmentGroups/{enrollmentGroupId}"),
            t("DELETE /enrollmentGroups/{enrollmentGroupId}"),
            t("POST /enrollmentGroups/{enrollmentGroupId}/attestationmechanism"),
            t("GET /registrations/{registrationId}"),
            t("DELETE /registrations/{registrationId}"),
            t("POST /registrations/{enrollmentGroupId}/query"),
            t("GET /registrations/{registrationId}/attempts"),
            t("GET /linkedHubs"),
            t("GET /linkedHubs/{hostName}"),
            t("PUT /linkedHubs/{hostName}"),
            t("DELETE /linkedHubs/{hostName}"),
            t("GET /certificates"),
            t("GET /certificates/{certificateName}"),
            t("PUT /certificates/{certificateName}"),
            t("DELETE /certificates/{certificateName}"),
            t("POST /certificates/{certificateName}/generateVerificationCode"),
            t("POST /certificates/{certificateName}/verify"),
            t("GET /usage"),
            t("GET /usage/failures"),
            t("GET /instance"),
            t("PATCH /instance"),
            t("GET /instances"),
            t("GET /instances/{instanceName}"),
            t("PUT /instances/{instanceName}"),
            t("DELETE /instances/{instanceName}"),
            t("GET /policies"),
            t("GET /policies/{keyName}"),
            t("PUT /policies/{keyName}"),
            t("DELETE /policies/{keyName}"),
            t("POST /policies/{keyName}/regenerateKey"),
            t("GET /events/registrations"));

    private static final Set<String> ROOTS = ALL.stream()
            .map(r -> r.segments().get(0).toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

    private ApiRoutes() {}

    private static Template t(String route) {
        int space = route.indexOf(' ');
        return new Template(route.substring(0, space), route.substring(space + 1));
    }

    /** Refuses a request under a listed root that no route matches: 404, or 405 if only the method differs. */
    static void requireKnown(Exchange ex) {
        List<String> segments = ex.segments();
        if (segments.isEmpty() || !ROOTS.contains(segments.get(0).toLowerCase(Locale.ROOT))) {
            return;
        }
        List<Template> paths = ALL.stream().filter(r -> r.matchesPath(segments)).toList();
        if (paths.isEmpty()) {
            throw ServiceCalls.notFound(ex);
        }
        if (paths.stream().noneMatch(r -> r.method().equals(ex.method()))) {
            throw ServiceCalls.methodNotAllowed(ex);
        }
    }
}
