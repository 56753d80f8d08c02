package dev.muster.server.service;

/**
 * Every route of the service API and the handler that serves it: the one table that dispatches, that decides what
 * is a service API call (the front door's roots; 404 for an unknown path, 405 for a known path with another method)
 * and that the OpenAPI document is checked against. A part the server runs without (certificates, tenancy, live
 * events) keeps its routes here and answers 404, as an unknown path would.
 */
final class ApiRoutes {
    static final RouteTable<ServiceHttpApi> TABLE = new RouteTable<ServiceHttpApi>()
            .route("GET /openapi.json", (api, ex, p) -> OpenApiDocument.serve(ex))
            .route("POST /enrollments", (api, ex, p) -> api.individuals().bulk(ex))
            .route("POST /enrollments/query", (api, ex, p) -> api.individuals().query(ex))
            .route("PUT /enrollments/{registrationId}", (api, ex, p) -> api.individuals().put(ex, p.get(0)))
            .route("GET /enrollments/{registrationId}", (api, ex, p) -> api.individuals().get(ex, p.get(0)))
            .route("DELETE /enrollments/{registrationId}", (api, ex, p) -> api.individuals().delete(ex, p.get(0)))
            .route("POST /enrollments/{registrationId}/attestationmechanism",
                    (api, ex, p) -> api.individuals().attestation(ex, p.get(0)))
            .route("POST /enrollmentGroups", (api, ex, p) -> api.groups().bulk(ex))
            .route("POST /enrollmentGroups/query", (api, ex, p) -> api.groups().query(ex))
            .route("PUT /enrollmentGroups/{enrollmentGroupId}", (api, ex, p) -> api.groups().put(ex, p.get(0)))
            .route("GET /enrollmentGroups/{enrollmentGroupId}", (api, ex, p) -> api.groups().get(ex, p.get(0)))
            .route("DELETE /enrollmentGroups/{enrollmentGroupId}", (api, ex, p) -> api.groups().delete(ex, p.get(0)))
            .route("POST /enrollmentGroups/{enrollmentGroupId}/attestationmechanism",
                    (api, ex, p) -> api.groups().attestation(ex, p.get(0)))
            .route("GET /registrations/{registrationId}", (api, ex, p) -> api.records().get(ex, p.get(0)))
            .route("DELETE /registrations/{registrationId}", (api, ex, p) -> api.records().delete(ex, p.get(0)))
            .route("POST /registrations/{enrollmentGroupId}/query",
                    (api, ex, p) -> api.records().queryGroup(ex, p.get(0)))
            .route("GET /registrations/{registrationId}/attempts",
                    (api, ex, p) -> api.records().attempts(ex, p.get(0)))
            .route("GET /registrations/{registrationId}/certificates",
                    (api, ex, p) -> api.issued(ex).list(ex, p.get(0)))
            .route("POST /registrations/{registrationId}/certificates/revoke",
                    (api, ex, p) -> api.issued(ex).revoke(ex, p.get(0)))
            .route("GET /linkedHubs", (api, ex, p) -> api.linkedHubs().list(ex))
            .route("GET /linkedHubs/{hostName}", (api, ex, p) -> api.linkedHubs().get(ex, p.get(0)))
            .route("PUT /linkedHubs/{hostName}", (api, ex, p) -> api.linkedHubs().put(ex, p.get(0)))
            .route("DELETE /linkedHubs/{hostName}", (api, ex, p) -> api.linkedHubs().delete(ex, p.get(0)))
            .route("GET /certificates", (api, ex, p) -> api.certificates(ex).list(ex))
            .route("GET /certificates/{certificateName}", (api, ex, p) -> api.certificates(ex).get(ex, p.get(0)))
            .route("PUT /certificates/{certificateName}", (api, ex, p) -> api.certificates(ex).put(ex, p.get(0)))
            .route("DELETE /certificates/{certificateName}",
                    (api, ex, p) -> api.certificates(ex).delete(ex, p.get(0)))
            .route("POST /certificates/{certificateName}/generateVerificationCode",
                    (api, ex, p) -> api.certificates(ex).generateVerificationCode(ex, p.get(0)))
            .route("POST /certificates/{certificateName}/verify",
                    (api, ex, p) -> api.certificates(ex).verify(ex, p.get(0)))
            .route("GET /certificatePolicies", (api, ex, p) -> api.certificatePolicies(ex).list(ex))
            .route("GET /certificatePolicies/{policyName}",
                    (api, ex, p) -> api.certificatePolicies(ex).get(ex, p.get(0)))
            .route("PUT /certificatePolicies/{policyName}",
                    (api, ex, p) -> api.certificatePolicies(ex).put(ex, p.get(0)))
            .route("GET /issuingCas", (api, ex, p) -> api.issuingCas(ex).list(ex))
            .route("GET /issuingCas/{caName}", (api, ex, p) -> api.issuingCas(ex).get(ex, p.get(0)))
            .route("PUT /issuingCas/{caName}", (api, ex, p) -> api.issuingCas(ex).put(ex, p.get(0)))
            .route("DELETE /issuingCas/{caName}", (api, ex, p) -> api.issuingCas(ex).delete(ex, p.get(0)))
            .route("DELETE /certificatePolicies/{policyName}",
                    (api, ex, p) -> api.certificatePolicies(ex).delete(ex, p.get(0)))
            .route("GET /certificatePolicies/{policyName}/certificates",
                    (api, ex, p) -> api.certificatePolicies(ex).certificates(ex, p.get(0)))
            .route("GET /usage", (api, ex, p) -> api.usage(ex).report(ex))
            .route("GET /usage/failures", (api, ex, p) -> api.usage(ex).failures(ex))
            .route("GET /instance", (api, ex, p) -> api.instances(ex).settings(ex))
            .route("PATCH /instance", (api, ex, p) -> api.instances(ex).updateSettings(ex))
            .route("GET /instances", (api, ex, p) -> api.instances(ex).list(ex))
            .route("GET /instances/{instanceName}", (api, ex, p) -> api.instances(ex).get(ex, p.get(0)))
            .route("PUT /instances/{instanceName}", (api, ex, p) -> api.instances(ex).create(ex, p.get(0)))
            .route("DELETE /instances/{instanceName}", (api, ex, p) -> api.instances(ex).delete(ex, p.get(0)))
            .route("GET /policies", (api, ex, p) -> api.policies().list(ex))
            .route("GET /policies/{keyName}", (api, ex, p) -> api.policies().get(ex, p.get(0)))
            .route("PUT /policies/{keyName}", (api, ex, p) -> api.policies().put(ex, p.get(0)))
            .route("DELETE /policies/{keyName}", (api, ex, p) -> api.policies().delete(ex, p.get(0)))
            .route("POST /policies/{keyName}/regenerateKey",
                    (api, ex, p) -> api.policies().regenerateKey(ex, p.get(0)))
            .route("GET /events/registrations", (api, ex, p) -> api.liveRegistrations(ex));

    private ApiRoutes() {}
}
