package dev.muster.core.hub.events;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message as it enters a hub's streams (device telemetry, a twin change or a lifecycle event), before it has a place
 * in a partition: the body's bytes unchanged, the sender's application properties, and the system properties the hub
 * and the sender set (names in {@link SystemProperties}; the Event Hubs endpoint decides which AMQP section each goes to).
 */
public record EventContent(byte[] body, Map<String, String> applicationProperties,
                           Map<String, String> systemProperties) {

    public EventContent {
        body = body == null ? new byte[0] : body.clone();
        applicationProperties = copy(applicationProperties);
        systemProperties = copy(systemProperties);
    }

    private static Map<String, String> copy(Map<String, String> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The size Azure's message-size limits count: body plus property names and values. */
    public int size() {
        int n = body.length;
        for (Map.Entry<String, String> e : applicationProperties.entrySet()) {
            n += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
        }
        for (Map.Entry<String, String> e : systemProperties.entrySet()) {
            n += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
        }
        return n;
    }

    public String systemProperty(String name) {
        return systemProperties.get(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventContent other && Arrays.equals(body, other.body)
                && applicationProperties.equals(other.applicationProperties)
                && systemProperties.equals(other.systemProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(body), applicationProperties, systemProperties);
    }

    @Override
    public String toString() {
        return "EventContent[" + body.length + " bytes, app=" + applicationProperties + ", sys=" + systemProperties + "]";
    }
}
