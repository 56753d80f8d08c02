package dev.muster.core.enrollment;

public record SymmetricKeyAttestation(String primaryKey, String secondaryKey) {}
