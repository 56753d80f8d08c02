package dev.muster.core.sas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code HostName=…;SharedAccessKeyName=…;SharedAccessKey=…} (and DeviceId for device strings). */
public record ConnectionString(String hostName, String keyName, String key, String deviceId) {

    public static ConnectionString parse(String text) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : text.strip().split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).strip().toLowerCase(), part.substring(eq + 1).strip());
            }
        }
        String host = parts.get("hostname");
        String key = parts.get("sharedaccesskey");
        if (host == null || host.isEmpty() || key == null || key.isEmpty()) {
            throw new IllegalArgumentException(
                    "A connection string needs HostName=…;SharedAccessKeyName=…;SharedAccessKey=… (got: "
                            + Optional.ofNullable(host).map(h -> "HostName=" + h).orElse("no HostName") + ")");
        }
        return new ConnectionString(host, parts.get("sharedaccesskeyname"), key, parts.get("deviceid"));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("HostName=").append(hostName);
        if (deviceId != null) {
            s.append(";DeviceId=").append(deviceId);
        }
        if (keyName != null) {
            s.append(";SharedAccessKeyName=").append(keyName);
        }
        return s.append(";SharedAccessKey=").append(key).toString();
    }
}
