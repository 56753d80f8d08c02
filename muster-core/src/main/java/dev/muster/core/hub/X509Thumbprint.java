package dev.muster.core.hub;

public record X509Thumbprint(String primaryThumbprint, String secondaryThumbprint) {}
