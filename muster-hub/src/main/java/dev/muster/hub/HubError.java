package dev.muster.hub;

import java.util.Map;

/** A built-in hub refused a request; carries the IoT Hub error code the hub's endpoints answer with. */
public final class HubError extends RuntimeException {
    private final HubErrorCode code;
    private final Map<String, String> info;

    public HubError(HubErrorCode code, String message) {
        this(code, message, Map.of());
    }

    /** @param info details IoT Hub adds to some errors' {@code info} object (a method's time-out, for one) */
    public HubError(HubErrorCode code, String message, Map<String, String> info) {
        super(message);
        this.code = code;
        this.info = Map.copyOf(info);
    }

    public HubErrorCode code() { return code; }

    public Map<String, String> info() { return info; }

    public int httpStatus() { return code.httpStatus(); }

    public static HubError argumentInvalid(String message) {
        return new HubError(HubErrorCode.ARGUMENT_INVALID, message);
    }

    public static HubError deviceNotFound(String deviceId) {
        return new HubError(HubErrorCode.DEVICE_NOT_FOUND, "Device " + deviceId + " not found.");
    }

    public static HubError preconditionFailed(String message) {
        return new HubError(HubErrorCode.PRECONDITION_FAILED, message);
    }

    /**
     * Conditional writes kept losing to concurrent ones; the caller may retry. 409 with the name the hub has always
     * sent for it (behaviour kept through the redesign).
     */
    public static HubError changedConcurrently(String what) {
        return new HubError(HubErrorCode.DEVICE_ALREADY_EXISTS, what + " is being changed concurrently; retry.");
    }
}
