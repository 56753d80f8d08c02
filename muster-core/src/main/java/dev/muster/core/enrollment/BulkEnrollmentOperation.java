package dev.muster.core.enrollment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.device.RegistrationIds;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.UsageMeter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Azure's bulk enrollment operation ({@code POST /enrollments} and {@code /enrollmentGroups}): up to
 * {@value #MAX_ITEMS} items, one mode for all of them. Each item is written on its own, atomically, as the single
 * call would write it, so a refused item never affects the others; refusals come back per item with the error code
 * and message the single call would have answered.
 * <ul>
 *   <li>{@code create}: 409 for an item whose ID exists.</li>
 *   <li>{@code update}: create or replace, as {@code PUT} without {@code If-Match} (a missing item is created).</li>
 *   <li>{@code updateIfMatchETag}: replace only if the item's {@code etag} is the stored one (412 otherwise, also
 *       when the item does not exist); an item without an etag is refused with 400.</li>
 *   <li>{@code delete}: 404 for a missing item; the item's {@code etag}, when given, must match.</li>
 * </ul>
 * An ID that appears more than once in one call is refused for every occurrence (which of them was meant cannot be
 * known), and nothing is written for it.
 */
public final class BulkEnrollmentOperation {
    public static final int MAX_ITEMS = 10;

    public enum Mode {
        CREATE("create"), UPDATE("update"), UPDATE_IF_MATCH_ETAG("updateIfMatchETag"), DELETE("delete");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        public static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.wireName.equalsIgnoreCase(text == null ? "" : text.strip())) {
                    return m;
                }
            }
            throw ProvisioningException.badRequest("Unknown bulk mode '" + text
                    + "': use create, update, updateIfMatchETag or delete.");
        }
    }

    /** One refused item; the ID field that is set says whether it was an enrollment or a group. */
    public record ItemError(String registrationId, String enrollmentGroupId, int errorCode, String errorStatus) {}

    /** Azure's BulkEnrollmentOperationResult. */
    public record Result(boolean isSuccessful, List<ItemError> errors) {}

    private final EnrollmentService enrollments;
    private final UsageMeter usage;

    public BulkEnrollmentOperation(EnrollmentService enrollments, UsageMeter usage) {
        this.enrollments = enrollments;
        this.usage = usage;
    }

    /** @param body {@code {"mode":…,"enrollments":[…]}} */
    public Result enrollments(String instance, JsonNode body) {
        return run(instance, body, "enrollments", "registrationId", false);
    }

    /** @param body {@code {"mode":…,"enrollmentGroups":[…]}} */
    public Result groups(String instance, JsonNode body) {
        return run(instance, body, "enrollmentGroups", "enrollmentGroupId", true);
    }

    private Result run(String instance, JsonNode body, String arrayField, String idField, boolean groups) {
        if (body == null || !body.isObject()) {
            throw ProvisioningException.badRequest("The body must be {\"mode\":\"create|update|updateIfMatchETag|delete\",\""
                    + arrayField + "\":[…]}.");
        }
        Mode mode = Mode.parse(body.path("mode").asText(null));
        JsonNode items = body.get(arrayField);
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ProvisioningException.badRequest("The body needs a non-empty \"" + arrayField + "\" array.");
        }
        if (items.size() > MAX_ITEMS) {
            throw ProvisioningException.badRequest("A bulk operation takes at most " + MAX_ITEMS + " items; this one has "
                    + items.size() + ". Split it into several calls.");
        }
        Map<String, Integer> occurrences = new HashMap<>();
        for (JsonNode item : items) {
            String id = item.path(idField).asText("");
            occurrences.merge(id.toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        List<ItemError> errors = new ArrayList<>();
        for (JsonNode item : items) {
            String id = item.path(idField).isTextual() ? item.get(idField).asText() : null;
            try {
                int times = occurrences.get(id == null ? "" : id.toLowerCase(Locale.ROOT));
                if (id != null && times > 1) {
                    throw ProvisioningException.badRequest(idField + " '" + id + "' appears " + times
                            + " times in this bulk operation; nothing was done for it (an ID may appear once per call).");
                }
                if (!item.isObject()) {
                    throw ProvisioningException.badRequest("Each item must be a JSON object.");
                }
                if (groups) {
                    applyGroup(instance, mode, item);
                } else {
                    applyEnrollment(instance, mode, item);
                }
                usage.record(instance, OperationKind.ENROLLMENT_BULK_ITEM);
            } catch (ProvisioningException e) {
                errors.add(error(groups, id, e.errorCode(), e.getMessage()));
            } catch (RuntimeException e) {
                errors.add(error(groups, id, 500000, "The item could not be stored: " + e.getMessage()));
            }
        }
        return new Result(errors.isEmpty(), errors);
    }

    private void applyEnrollment(String instance, Mode mode, JsonNode item) {
        IndividualEnrollment e = itemOf(item, IndividualEnrollment.class);
        String id = requireValidId(e.registrationId(), "registrationId");
        switch (mode) {
            case CREATE -> enrollments.createEnrollment(instance, e);
            case UPDATE -> enrollments.putEnrollment(instance, id, e, null);
            case UPDATE_IF_MATCH_ETAG -> enrollments.putEnrollment(instance, id, e, requireEtag(e.etag()));
            case DELETE -> enrollments.deleteEnrollment(instance, id, e.etag());
        }
    }

    private void applyGroup(String instance, Mode mode, JsonNode item) {
        EnrollmentGroup g = itemOf(item, EnrollmentGroup.class);
        String id = requireValidId(g.enrollmentGroupId(), "enrollmentGroupId");
        switch (mode) {
            case CREATE -> enrollments.createGroup(instance, g);
            case UPDATE -> enrollments.putGroup(instance, id, g, null);
            case UPDATE_IF_MATCH_ETAG -> enrollments.putGroup(instance, id, g, requireEtag(g.etag()));
            case DELETE -> enrollments.deleteGroup(instance, id, g.etag());
        }
    }

    private static <T> T itemOf(JsonNode item, Class<T> type) {
        try {
            return Json.MAPPER.treeToValue(item, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw ProvisioningException.badRequest("The item is not a valid " + type.getSimpleName() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String requireValidId(String id, String field) {
        if (id == null || id.isBlank()) {
            throw ProvisioningException.badRequest("The item has no " + field + ".");
        }
        RegistrationIds.requireValid(id, field);
        return id;
    }

    private static String requireEtag(String etag) {
        if (etag == null || etag.isBlank()) {
            throw ProvisioningException.badRequest("Mode updateIfMatchETag needs the item's etag.");
        }
        return etag;
    }

    private static ItemError error(boolean group, String id, int code, String message) {
        return group ? new ItemError(null, id, code, message) : new ItemError(id, null, code, message);
    }
}
