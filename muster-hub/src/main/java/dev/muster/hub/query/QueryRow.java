package dev.muster.hub.query;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One document a query evaluates, with the key it is ordered and resumed by. */
public record QueryRow(String key, ObjectNode document) {}
