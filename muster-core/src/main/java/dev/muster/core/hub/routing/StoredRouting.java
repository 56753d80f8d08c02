package dev.muster.core.hub.routing;

/** A hub's routing as stored, with the etag a conditional replace names. */
public record StoredRouting(HubRouting routing, String etag) {}
