package dev.muster.core.device;

import java.util.List;
import java.util.Optional;

public interface RegistrationStore {
    Optional<RegistrationRecord> registration(String instance, String registrationId);

    /** Inserts or replaces the record of this registration ID. */
    void saveRegistration(String instance, RegistrationRecord record);

    /**
     * Writes the record only if nobody else wrote this registration ID since it was read: with {@code expectedEtag}
     * null only while no record exists, otherwise only while the stored record's etag is {@code expectedEtag}. Two
     * nodes registering one device at the same moment both reach this point; the database lets exactly one through.
     *
     * @return false when another writer got there first (nothing is changed)
     */
    boolean saveRegistrationIf(String instance, RegistrationRecord record, String expectedEtag);

    /** @param expectedEtag null deletes whatever is there */
    boolean deleteRegistration(String instance, String registrationId, String expectedEtag);

    List<RegistrationRecord> registrationsOfGroup(String instance, String groupId, String afterId, int limit);

    /** Registration records created through this enrollment (an individual's own, or a group's devices). */
    int deleteRegistrationsOfEnrollment(String instance, String enrollmentId, boolean group);
}
