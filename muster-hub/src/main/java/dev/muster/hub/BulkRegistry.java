package dev.muster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.HubDevice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Bulk {@code POST /devices}: up to 100 devices (IoT Hub's ExportImportDevice: {@code id} instead of
 * {@code deviceId}, plus {@code importMode}), each written on its own through {@link DeviceRegistry}'s conditional
 * writes. A failed device does not stop the others; the result names each failure as IoT Hub does.
 */
public final class BulkRegistry {
    /** The most devices IoT Hub takes in one bulk registry request. */
    public static final int MAX_DEVICES = 100;

    private final DeviceRegistry devices;

    public BulkRegistry(DeviceRegistry devices) {
        this.devices = devices;
    }

    /** IoT Hub's BulkRegistryOperationResult; {@code errors} empty when {@code successful}. */
    public record Result(boolean successful, List<Map<String, Object>> errors) {
        public Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("isSuccessful", successful);
            body.put("errors", errors);
            body.put("warnings", List.of());
            return body;
        }
    }

    private enum Mode { CREATE, UPDATE, UPDATE_IF_MATCH_ETAG, DELETE, DELETE_IF_MATCH_ETAG }

    public Result apply(String hub, JsonNode body) {
        if (body == null || !body.isArray()) {
            throw HubError.argumentInvalid("A bulk registry request is a JSON array of devices.");
        }
        if (body.size() > MAX_DEVICES) {
            throw new HubError(HubErrorCode.TOO_MANY_DEVICES, "A bulk registry request takes at most " + MAX_DEVICES
                    + " devices; this one has " + body.size() + ".");
        }
        Set<String> seen = new HashSet<>();
        List<Mode> modes = new ArrayList<>();
        for (JsonNode item : body) {
            String id = item.path("id").asText(null);
            if (!item.isObject() || id == null || id.isEmpty()) {
                throw HubError.argumentInvalid("Each device of a bulk registry request needs an 'id'.");
            }
            if (!seen.add(id)) {
                throw new HubError(HubErrorCode.DEVICE_DEFINED_MULTIPLE_TIMES, "Device " + id
                        + " appears more than once in the request.");
            }
            modes.add(mode(id, item.path("importMode").asText("")));
        }
        List<Map<String, Object>> errors = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            JsonNode item = body.get(i);
            String id = item.get("id").asText();
            try {
                run(hub, modes.get(i), item, id);
            } catch (HubError e) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("deviceId", id);
                error.put("errorCode", e.code().errorName());
                error.put("errorStatus", e.getMessage());
                errors.add(error);
            }
        }
        return new Result(errors.isEmpty(), List.copyOf(errors));
    }

    private void run(String hub, Mode mode, JsonNode item, String id) {
        String etag = item.hasNonNull("eTag") ? item.get("eTag").asText() : item.path("etag").asText(null);
        switch (mode) {
            case CREATE -> {
                if (devices.createDevice(hub, device(item, id), null).isEmpty()) {
                    throw new HubError(HubErrorCode.DEVICE_ALREADY_EXISTS, "Device " + id + " already exists.");
                }
            }
            case UPDATE -> devices.updateDevice(hub, device(item, id), "*");
            case UPDATE_IF_MATCH_ETAG -> devices.updateDevice(hub, device(item, id), required(etag, id));
            case DELETE -> deleted(devices.deleteDevice(hub, id, "*"), id);
            case DELETE_IF_MATCH_ETAG -> deleted(devices.deleteDevice(hub, id, required(etag, id)), id);
        }
    }

    private static void deleted(boolean deleted, String id) {
        if (!deleted) {
            throw HubError.deviceNotFound(id);
        }
    }

    /** An IfMatchETag mode without an etag cannot match anything. */
    private static String required(String etag, String id) {
        if (etag == null || etag.isBlank() || etag.strip().equals("*")) {
            throw HubError.preconditionFailed("Device " + id + " has no eTag to match.");
        }
        return etag;
    }

    private static HubDevice device(JsonNode item, String id) {
        ObjectNode copy = item.deepCopy();
        copy.remove(List.of("id", "importMode", "eTag", "etag"));
        copy.put("deviceId", id);
        try {
            return Json.MAPPER.convertValue(copy, HubDevice.class);
        } catch (IllegalArgumentException e) {
            throw HubError.argumentInvalid("Device " + id + " is not a device object: " + e.getMessage());
        }
    }

    private static Mode mode(String id, String importMode) {
        return switch (importMode.toLowerCase(Locale.ROOT)) {
            case "create" -> Mode.CREATE;
            case "update" -> Mode.UPDATE;
            case "updateifmatchetag" -> Mode.UPDATE_IF_MATCH_ETAG;
            case "delete" -> Mode.DELETE;
            case "deleteifmatchetag" -> Mode.DELETE_IF_MATCH_ETAG;
            default -> throw HubError.argumentInvalid("Device " + id + ": importMode must be create, update,"
                    + " updateIfMatchETag, delete or deleteIfMatchETag, not '" + importMode + "'.");
        };
    }
}
