package dev.muster.hub.methods;

import com.fasterxml.jackson.databind.JsonNode;

/** The device's answer to a direct method: the status it chose and its JSON payload (JSON null when it sent none). */
public record MethodResult(int status, JsonNode payload) {}
