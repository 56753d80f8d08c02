package dev.muster.core.enrollment;

public record CustomAllocationDefinition(String webhookUrl, String apiVersion) {}
