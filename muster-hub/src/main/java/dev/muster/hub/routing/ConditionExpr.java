package dev.muster.hub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The expressions of a route condition, as {@link RouteConditionParser} builds them. */
sealed interface ConditionExpr {
    /** A JSON literal: string, number, true, false or null. */
    record Literal(JsonNode value) implements ConditionExpr {}

    /** An application property by name (a bare name such as {@code processingPath}); its value is a string. */
    record AppProperty(String name) implements ConditionExpr {}

    /** A system property, {@code $contentType}; {@code name} without the {@code $}. */
    record SystemProperty(String name) implements ConditionExpr {}

    /**
     * {@code $body} (empty {@code steps}) or a path into it: each step a property name (String) or an array index
     * (Integer), as in {@code $body.Weather.HistoricalData[0].Month}.
     */
    record BodyPath(List<Object> steps) implements ConditionExpr {}

    /** {@code =, !=, <>, <, <=, >, >=}. */
    record Compare(String operator, ConditionExpr left, ConditionExpr right) implements ConditionExpr {}

    /** {@code + - * / %} on numbers. */
    record Arithmetic(char operator, ConditionExpr left, ConditionExpr right) implements ConditionExpr {}

    record Negate(ConditionExpr operand) implements ConditionExpr {}

    record And(ConditionExpr left, ConditionExpr right) implements ConditionExpr {}

    record Or(ConditionExpr left, ConditionExpr right) implements ConditionExpr {}

    record Not(ConditionExpr operand) implements ConditionExpr {}

    /** {@code x IN [..]}, or {@code x NOT IN [..]} when {@code negated}. */
    record In(ConditionExpr value, List<JsonNode> candidates, boolean negated) implements ConditionExpr {}

    /** A function IoT Hub lists for route conditions; name upper-cased. */
    record Call(String function, List<ConditionExpr> arguments) implements ConditionExpr {}
}
