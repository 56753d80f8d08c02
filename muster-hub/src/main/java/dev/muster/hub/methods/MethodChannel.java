package dev.muster.hub.methods;

/**
 * A connection on this node through which a device (or module) receives direct methods: its MQTT session once it has
 * subscribed to {@code $iothub/methods/POST/#}, or its AMQP methods link.
 */
public interface MethodChannel {
    /** Hands the request to the device; the answer comes back through {@link DirectMethods#answered}. */
    void send(String requestId, String methodName, byte[] payload);
}
