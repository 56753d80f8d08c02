package dev.muster.core;

import java.util.Map;

/**
 * A refusal the client must see, carrying Azure's HTTP status and six-digit error code
 * (reference §1.6). Transports turn it into the ProvisioningServiceErrorDetails body.
 */
public class ProvisioningException extends RuntimeException {
    private final int httpStatus;
    private final int errorCode;
    private final transient Map<String, String> headers;

    public ProvisioningException(int httpStatus, int errorCode, String message) {
        this(httpStatus, errorCode, message, Map.of());
    }

    public ProvisioningException(int httpStatus, int errorCode, String message, Map<String, String> headers) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.headers = headers;
    }

    public int httpStatus() { return httpStatus; }
    public int errorCode() { return errorCode; }
    /** Extra response headers, e.g. Retry-After for 429. */
    public Map<String, String> headers() { return headers; }

    public static ProvisioningException badRequest(String message) {
        return new ProvisioningException(400, 400004, message);
    }

    /** Device-facing refusal: never says which enrollments exist. */
    public static ProvisioningException unauthorized() {
        return new ProvisioningException(401, 401002, "Unauthorized");
    }

    public static ProvisioningException unauthorized(String message) {
        return new ProvisioningException(401, 401002, message);
    }

    public static ProvisioningException forbidden(String message) {
        return new ProvisioningException(403, 403001, message);
    }

    public static ProvisioningException enrollmentNotFound(String id) {
        return new ProvisioningException(404, 404201, "Enrollment not found: " + id);
    }

    public static ProvisioningException registrationNotFound(String id) {
        return new ProvisioningException(404, 404202, "Registration not found: " + id);
    }

    public static ProvisioningException notFound(int errorCode, String message) {
        return new ProvisioningException(404, errorCode, message);
    }

    public static ProvisioningException conflict(String message) {
        return new ProvisioningException(409, 409001, message);
    }

    public static ProvisioningException preconditionFailed(String message) {
        return new ProvisioningException(412, 412002, message);
    }
}
