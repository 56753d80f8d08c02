package dev.muster.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.hub.HubModule;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.ModuleRegistry;
import dev.muster.hub.TwinKey;
import dev.muster.transport.Exchange;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The module part of a built-in hub's REST API (IoT Hub data plane): {@code /devices/{d}/modules[/{m}]} (registry)
 * and {@code /twins/{d}/modules/{m}} (module twins, exactly as device twins). {@link HubHttpApi} hands it the
 * requests {@link #handles} claims, with its authorization and worker pool as a {@link Runner}.
 */
final class ModuleHttpApi {
    /** Runs {@code work} authorized on the worker pool and answers with {@code onValue}, or with the hub's error. */
    @FunctionalInterface
    interface Runner {
        void run(Callable<Object> work, Consumer<Object> onValue);
    }

    private final BuiltInHub builtIn;

    ModuleHttpApi(BuiltInHub builtIn) {
        this.builtIn = builtIn;
    }

    static boolean handles(List<String> s) {
        if (s.size() < 3 || !s.get(2).equals("modules")) {
            return false;
        }
        return s.get(0).equals("devices") && s.size() <= 4 || s.get(0).equals("twins") && s.size() == 4;
    }

    void route(Exchange ex, String hub, String ifMatch, Runner runner) {
        List<String> s = ex.segments();
        String deviceId = s.get(1);
        ModuleRegistry modules = builtIn.modules();
        String method = HubHttpApi.methodOf(ex);
        if (s.get(0).equals("devices") && s.size() == 3) {
            if (method.equals("GET")) {
                runner.run(() -> modules.modules(hub, deviceId), v -> ex.json(200, v));
            } else {
                notAllowed(ex);
            }
            return;
        }
        String moduleId = s.get(3);
        if (s.get(0).equals("devices")) {
            switch (method) {
                case "PUT" -> {
                    HubModule requested = readModule(ex, deviceId, moduleId);
                    runner.run(() -> modules.putModule(hub, requested, ifMatch), v -> {
                        ModuleRegistry.Put put = (ModuleRegistry.Put) v;
                        ex.json(put.created() ? 201 : 200, put.module());
                    });
                }
                case "GET" -> runner.run(() -> modules.module(hub, deviceId, moduleId), v -> ex.json(200, v));
                case "DELETE" -> runner.run(() -> {
                    modules.deleteModule(hub, deviceId, moduleId, ifMatch);
                    return Boolean.TRUE;
                }, v -> ex.empty(204));
                default -> notAllowed(ex);
            }
            return;
        }
        TwinKey key = TwinKey.module(deviceId, moduleId);
        switch (method) {
            case "GET" -> runner.run(() -> builtIn.twins().twinJson(hub, key).orElseThrow(() -> missing(hub, key)),
                    t -> ex.json(200, t));
            case "PATCH", "PUT" -> {
                JsonNode doc = Json.tree(HubHttpApi.nonEmpty(ex));
                boolean replace = method.equals("PUT");
                runner.run(() -> builtIn.twins().updateTwin(hub, key, doc, ifMatch, replace), t -> ex.json(200, t));
            }
            default -> notAllowed(ex);
        }
    }

    /** 404010 for a missing module, 404001 when its device is missing too. */
    private HubError missing(String hub, TwinKey key) {
        return builtIn.devices().device(hub, key.deviceId()).isPresent()
                ? HubError.moduleNotFound(key.deviceId(), key.moduleId()) : HubError.deviceNotFound(key.deviceId());
    }

    /** The path names the module; the body may repeat its IDs (the SDKs do) but not contradict them. */
    private static HubModule readModule(Exchange ex, String deviceId, String moduleId) {
        HubModule m = Json.read(HubHttpApi.nonEmpty(ex), HubModule.class);
        if (m.deviceId() != null && !m.deviceId().isEmpty() && !m.deviceId().equals(deviceId)) {
            throw HubError.argumentInvalid("deviceId in the body differs from the path.");
        }
        if (m.moduleId() != null && !m.moduleId().isEmpty() && !m.moduleId().equals(moduleId)) {
            throw HubError.argumentInvalid("moduleId in the body differs from the path.");
        }
        return new HubModule(deviceId, moduleId, m.generationId(), m.etag(), m.connectionState(),
                m.connectionStateUpdatedTime(), m.lastActivityTime(), m.cloudToDeviceMessageCount(),
                m.authentication(), m.managedBy());
    }

    private static void notAllowed(Exchange ex) {
        HubErrors.send(ex, new HubError(HubErrorCode.METHOD_NOT_ALLOWED, "Method not allowed."));
    }
}
