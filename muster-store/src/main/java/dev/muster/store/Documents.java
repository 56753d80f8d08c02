package dev.muster.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.muster.core.Json;
import dev.muster.core.device.RegistrationIds;

/**
 * Stored documents are written and read with the one shared mapper, so what comes back is what went in.
 * A document that no longer parses is damage in the database, not a client error.
 */
final class Documents {
    private Documents() {}

    static String write(Object value) {
        return Json.write(value);
    }

    /** A document that holds secrets, encrypted with the store's key. */
    static String writeSealed(SecretBox box, Object value) {
        return box.seal(Json.write(value));
    }

    static <T> T readSealed(SecretBox box, String text, Class<T> type) {
        return read(box.open(text), type);
    }

    static <T> T readSealed(SecretBox box, String text, TypeReference<T> type) {
        return read(box.open(text), type);
    }

    static <T> T read(String text, Class<T> type) {
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("A stored " + type.getSimpleName() + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static <T> T read(String text, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("A stored " + type.getType().getTypeName() + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** The case-insensitive key of a registration ID, group ID or host name; null stays null. */
    static String key(String id) {
        return id == null ? null : RegistrationIds.key(id);
    }
}
