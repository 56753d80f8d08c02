package dev.muster.hub.routing;

import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.query.QuerySyntaxError;

/**
 * A route's condition in IoT Hub's routing query language, parsed once when the route is saved or loaded and then
 * evaluated against every message the route's source produces. {@code true} routes every message.
 */
public final class RouteCondition {
    public static final RouteCondition ALWAYS = parse("true");

    private final String text;
    private final ConditionExpr expression;

    private RouteCondition(String text, ConditionExpr expression) {
        this.text = text;
        this.expression = expression;
    }

    /** @throws QuerySyntaxError naming the 1-based position where the condition stops making sense */
    public static RouteCondition parse(String text) {
        return new RouteCondition(text, RouteConditionParser.parse(text));
    }

    public String text() {
        return text;
    }

    public boolean matches(EventContent message) {
        return matches(new RoutedMessage(message));
    }

    /** For the router: one {@link RoutedMessage} per message, so its body is parsed once for all routes. */
    boolean matches(RoutedMessage message) {
        return RouteConditionEvaluator.matches(expression, message);
    }

    @Override
    public String toString() {
        return text;
    }
}
