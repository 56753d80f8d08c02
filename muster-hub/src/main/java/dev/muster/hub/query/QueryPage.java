package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One page of query results; {@code continuation} is null on the last page. */
public record QueryPage(List<JsonNode> items, String continuation) {}
