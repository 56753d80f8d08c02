package dev.muster.server.hub;

import dev.muster.core.hub.HubClients;
import dev.muster.core.hub.HubException;
import dev.muster.core.instance.LinkedHub;
import java.util.LinkedHashMap;
import java.util.Map;

/** Asks a linked hub for its device count: reachable, credentials accepted, and how long that took. */
public final class HubHealthProbe {
    private final HubClients clients;

    public HubHealthProbe(HubClients clients) {
        this.clients = clients;
    }

    public record Health(String status, Long deviceCount, Long latencyMillis, String error) {
        public boolean healthy() {
            return "healthy".equals(status);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status);
            if (deviceCount != null) {
                m.put("deviceCount", deviceCount);
            }
            if (latencyMillis != null) {
                m.put("latencyMs", latencyMillis);
            }
            if (error != null) {
                m.put("error", error);
            }
            return m;
        }
    }

    public Health probe(LinkedHub hub) {
        long start = System.nanoTime();
        try {
            long count = clients.forHub(hub).deviceCount();
            return new Health("healthy", count, (System.nanoTime() - start) / 1_000_000, null);
        } catch (HubException e) {
            return new Health(e.unauthorized() ? "unauthorized" : e.status() == 0 ? "unreachable" : "failing", null, null,
                    e.getMessage());
        } catch (RuntimeException e) {
            return new Health("failing", null, null, e.toString());
        }
    }

    public Map<String, Object> probeJson(LinkedHub hub) {
        return probe(hub).toJson();
    }
}
