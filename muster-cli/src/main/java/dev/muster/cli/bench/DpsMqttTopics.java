package dev.muster.cli.bench;

/** Reading DPS MQTT response topics ({@code $dps/registrations/res/{status}/?$rid=…&retry-after=N}). */
final class DpsMqttTopics {
    private DpsMqttTopics() {}

    /** The retry-after value of a response topic, or null. */
    static String retryAfter(String topic) {
        int q = topic.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String p : topic.substring(q + 1).split("&")) {
            if (p.startsWith("retry-after=")) {
                return p.substring("retry-after=".length());
            }
        }
        return null;
    }
}
