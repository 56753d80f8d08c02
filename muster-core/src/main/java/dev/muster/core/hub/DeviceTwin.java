package dev.muster.core.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A device twin as the hub stores it. Desired and reported documents are kept without their {@code $version};
 * the versions live beside them and are added when the twin is rendered.
 */
public record DeviceTwin(String deviceId, ObjectNode tags, ObjectNode desired, long desiredVersion,
                         ObjectNode reported, long reportedVersion, long version, String etag) {}
