package dev.muster.cli;

import java.util.ArrayList;
import java.util.List;

/** Built-in hub host names from the command line, checked the way the Azure SDKs will use them. */
final class HubHosts {
    private HubHosts() {}

    static List<String> resolve(List<String> given, int count) {
        List<String> hubs = new ArrayList<>();
        if (given != null && !given.isEmpty()) {
            hubs.addAll(given);
        } else {
            // 0: a further node of a shared database, serving the hubs the first node created (docs/scale-out.md).
            if (count < 0 || count > 250) {
                throw new UsageError("--hubs must be between 0 and 250.");
            }
            for (int i = 1; i <= count; i++) {
                hubs.add("127.0.10." + i);
            }
        }
        for (String h : hubs) {
            if (!h.contains(".") || h.matches("[^:]*:\\d+")) {
                throw new UsageError("Hub host name '" + h + "' must contain a dot and carry no port (the Azure SDKs"
                        + " require it); e.g. 127.0.10.1 or hub1.example.com.");
            }
        }
        return hubs;
    }
}
