package dev.muster.server.service;

import dev.muster.transport.Exchange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Routes {@code METHOD /path/{param}} to handlers, and refuses what none matches: 404 for an unknown path, 405 for a
 * known path with another method. The routes are fixed when the class is loaded, so the table can be listed (the
 * front door's roots, the OpenAPI check) without a server; the handler gets the object that serves the call.
 *
 * @param <S> what the handlers call (the service API with its parts)
 */
final class RouteTable<S> {
    interface Handler<S> {
        /** {@code parameters}: the path's {@code {…}} segments, URL-decoded, in the template's order. */
        void handle(S services, Exchange ex, List<String> parameters);
    }

    private record Entry<S>(RouteTemplate template, Handler<S> handler) {}

    private final List<Entry<S>> entries = new ArrayList<>();
    private final Set<String> roots = new HashSet<>();

    RouteTable<S> route(String route, Handler<S> handler) {
        RouteTemplate template = RouteTemplate.parse(route);
        entries.add(new Entry<>(template, handler));
        roots.add(template.root());
        return this;
    }

    /** Whether a path starting with this segment is one of the table's (any case). */
    boolean servesRoot(String firstSegment) {
        return roots.contains(firstSegment.toLowerCase(Locale.ROOT));
    }

    List<RouteTemplate> templates() {
        return entries.stream().map(Entry::template).toList();
    }

    void dispatch(S services, Exchange ex) {
        List<String> segments = ex.segments();
        boolean pathKnown = false;
        for (Entry<S> e : entries) {
            if (e.template().matchesPath(segments)) {
                if (e.template().method().equals(ex.method())) {
                    e.handler().handle(services, ex, e.template().parameters(segments));
                    return;
                }
                pathKnown = true;
            }
        }
        throw pathKnown ? ServiceCalls.methodNotAllowed(ex) : ServiceCalls.notFound(ex);
    }
}
