package dev.muster.core.hub.events;

/**
 * Names of the system properties an event carries in {@link EventContent#systemProperties()}: the AMQP message
 * properties the sender set, and the {@code iothub-*} properties IoT Hub stamps on what it receives. Instants are
 * ISO-8601 text; the Event Hubs endpoint turns them into AMQP timestamps.
 */
public final class SystemProperties {
    public static final String MESSAGE_ID = "message-id";
    public static final String CORRELATION_ID = "correlation-id";
    public static final String USER_ID = "user-id";
    public static final String TO = "to";
    public static final String CONTENT_TYPE = "content-type";
    public static final String CONTENT_ENCODING = "content-encoding";
    public static final String ABSOLUTE_EXPIRY_TIME = "absolute-expiry-time";
    /** The PnP component that sent the message (MQTT {@code $.sub}, an AMQP annotation). */
    public static final String DT_SUBJECT = "dt-subject";
    /** The model ID the device named when it connected. */
    public static final String DT_DATASCHEMA = "dt-dataschema";
    /** Set by security agents (MQTT {@code $.ifid}, an AMQP annotation). */
    public static final String INTERFACE_ID = "iothub-interface-id";

    public static final String CONNECTION_DEVICE_ID = "iothub-connection-device-id";
    public static final String CONNECTION_MODULE_ID = "iothub-connection-module-id";
    public static final String CONNECTION_AUTH_METHOD = "iothub-connection-auth-method";
    public static final String CONNECTION_AUTH_GENERATION_ID = "iothub-connection-auth-generation-id";
    public static final String ENQUEUED_TIME = "iothub-enqueuedtime";
    public static final String MESSAGE_SOURCE = "iothub-message-source";
    /** Lifecycle and twin-change events: what happened (createDeviceIdentity, updateTwin, ...). */
    public static final String OPERATION_TYPE = "opType";
    public static final String HUB_NAME = "hubName";
    public static final String DEVICE_ID = "deviceId";
    public static final String MODULE_ID = "moduleId";
    public static final String OPERATION_TIMESTAMP = "operationTimestamp";

    /** Values of {@link #MESSAGE_SOURCE}, as IoT Hub's routing sources name them. */
    public static final String SOURCE_TELEMETRY = "Telemetry";
    public static final String SOURCE_TWIN_CHANGE = "twinChangeEvents";
    public static final String SOURCE_DEVICE_LIFECYCLE = "deviceLifecycleEvents";
    public static final String SOURCE_DEVICE_CONNECTION_STATE = "deviceConnectionStateEvents";

    private SystemProperties() {}
}
