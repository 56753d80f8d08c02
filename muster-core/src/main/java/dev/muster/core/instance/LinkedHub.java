package dev.muster.core.instance;

/** A hub an instance may assign devices to, reached through its registry/twin REST API by connection string. */
public record LinkedHub(String hostName, String connectionString, int allocationWeight, boolean applyAllocationPolicy) {}
