package dev.muster.core.instance;

/** Rights of a shared access policy, named as in Azure DPS. */
public enum AccessRight {
    ServiceConfig, EnrollmentRead, EnrollmentWrite, RegistrationStatusRead, RegistrationStatusWrite
}
