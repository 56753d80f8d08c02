package dev.muster.core.registration;

import java.util.List;
import java.util.Optional;

public interface RegistrationStore {
    Optional<RegistrationRecord> registration(String instance, String registrationId);

    /** Inserts or replaces the record of this registration ID. */
    void saveRegistration(String instance, RegistrationRecord record);

    /** @param expectedEtag null deletes whatever is there */
    boolean deleteRegistration(String instance, String registrationId, String expectedEtag);

    List<RegistrationRecord> registrationsOfGroup(String instance, String groupId, String afterId, int limit);

    /** Registration records created through this enrollment (an individual's own, or a group's devices). */
    int deleteRegistrationsOfEnrollment(String instance, String enrollmentId, boolean group);
}
