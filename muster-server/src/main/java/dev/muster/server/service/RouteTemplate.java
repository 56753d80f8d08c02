package dev.muster.server.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code METHOD /path/{param}} route. Literal segments match case-insensitively (Azure's SDKs and scripts spell
 * {@code enrollmentGroups} either way); a {@code {…}} segment matches any one segment and becomes a parameter.
 */
record RouteTemplate(String method, String path, List<String> segments) {
    static RouteTemplate parse(String route) {
        int space = route.indexOf(' ');
        String path = route.substring(space + 1);
        return new RouteTemplate(route.substring(0, space), path, List.of(path.substring(1).split("/")));
    }

    /** The first segment, lower-cased: what the front door looks at to hand a request to the service API. */
    String root() {
        return segments.get(0).toLowerCase(Locale.ROOT);
    }

    boolean matchesPath(List<String> actual) {
        if (segments.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            if (!(isParameter(segments.get(i)) || segments.get(i).equalsIgnoreCase(actual.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** The actual (already URL-decoded) segments in the template's {@code {…}} places, in order. */
    List<String> parameters(List<String> actual) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            if (isParameter(segments.get(i))) {
                out.add(actual.get(i));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return method + " " + path;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{");
    }
}
