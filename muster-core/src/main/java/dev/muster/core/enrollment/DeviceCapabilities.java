package dev.muster.core.enrollment;

public record DeviceCapabilities(boolean iotEdge) {
    public static final DeviceCapabilities NONE = new DeviceCapabilities(false);
}
