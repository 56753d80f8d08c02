package dev.muster.hub;

/**
 * The error names and numeric codes Azure IoT Hub answers with (its {@code ErrorCode} values), so a client that reads
 * {@code iothub-errorcode} or the {@code ErrorCode:} prefix of the message sees what Azure would send. Each refusal
 * names its own code; nothing is guessed from the HTTP status.
 */
public enum HubErrorCode {
    ARGUMENT_INVALID(400, 400004, "ArgumentInvalid"),
    /** A bulk registry request names one device twice. */
    DEVICE_DEFINED_MULTIPLE_TIMES(400, 400011, "DeviceDefinedMultipleTimes"),
    /** A bulk registry request in which some devices failed (the body lists which). */
    BULK_REGISTRY_OPERATION_FAILURE(400, 400013, "BulkRegistryOperationFailure"),
    /** deviceScope / parentScopes that name no edge device of the hub, or a non-edge parent. */
    INVALID_DEVICE_SCOPE(400, 400028, "InvalidDeviceScope"),
    UNAUTHORIZED(401, 401003, "IotHubUnauthorizedAccess"),
    /** A device's cloud-to-device queue already holds its 50 messages. */
    DEVICE_MAXIMUM_QUEUE_DEPTH_EXCEEDED(403, 403004, "DeviceMaximumQueueDepthExceeded"),
    IOT_HUB_NOT_FOUND(404, 404000, "IotHubNotFound"),
    DEVICE_NOT_FOUND(404, 404001, "DeviceNotFound"),
    /** A direct method's device (or module) is not connected, or not subscribed to methods, within the wait. */
    DEVICE_NOT_ONLINE(404, 404103, "DeviceNotOnline"),
    MODULE_NOT_FOUND(404, 404010, "ModuleNotFound"),
    /** Muster's own CA-trust API (Azure manages CA trust elsewhere): a thumbprint the hub does not trust. */
    CERTIFICATE_NOT_FOUND(404, 404000, "CertificateNotFound"),
    /**
     * Muster's consumer-group API (Azure manages consumer groups in ARM, whose error is a plain 404 "NotFound"): a
     * group the hub's events endpoint does not have.
     */
    CONSUMER_GROUP_NOT_FOUND(404, 404000, "ConsumerGroupNotFound"),
    METHOD_NOT_ALLOWED(405, 405000, "MethodNotAllowed"),
    DEVICE_ALREADY_EXISTS(409, 409001, "DeviceAlreadyExists"),
    MODULE_ALREADY_EXISTS_ON_DEVICE(409, 409301, "ModuleAlreadyExistsOnDevice"),
    PRECONDITION_FAILED(412, 412001, "PreconditionFailed"),
    /**
     * A device settled a cloud-to-device message over HTTPS whose lock it no longer holds (taken again, expired or
     * settled already). The code is not in the Java SDK's table (unconfirmed).
     */
    DEVICE_MESSAGE_LOCK_LOST(412, 412002, "DeviceMessageLockLost"),
    MESSAGE_TOO_LARGE(413, 413001, "MessageTooLarge"),
    /** More devices in one bulk registry request than IoT Hub takes (100). */
    TOO_MANY_DEVICES(413, 413002, "TooManyDevices"),
    /** The hub's event ingest is saturated (a partition's queue is full): the device should retry. */
    THROTTLING(429, 429001, "ThrottlingException"),
    SERVER_ERROR(500, 500001, "ServerError"),
    /**
     * The device answered a direct method with a payload that is not JSON. The SDKs map HTTP 502 to
     * BadDeviceResponse; the six-digit code is not in Azure's published tables (unconfirmed), so it is 502 plus zeros.
     */
    BAD_DEVICE_RESPONSE(502, 502000, "BadDeviceResponse"),
    /** The device did not answer a direct method within its response timeout. */
    GATEWAY_TIMEOUT(504, 504101, "GatewayTimeout");

    private final int httpStatus;
    private final int code;
    private final String errorName;

    HubErrorCode(int httpStatus, int code, String errorName) {
        this.httpStatus = httpStatus;
        this.code = code;
        this.errorName = errorName;
    }

    public int httpStatus() { return httpStatus; }

    /** Azure's six-digit code, e.g. 404001. */
    public int code() { return code; }

    /** Azure's name, e.g. {@code DeviceNotFound}. */
    public String errorName() { return errorName; }
}
