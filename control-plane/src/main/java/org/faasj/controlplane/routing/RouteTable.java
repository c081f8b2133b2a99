package org.faasj.controlplane.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

/**
 * The routes the gateway serves, read on every request without locks: writers build a new
 * immutable snapshot and publish it with one volatile write, readers do one map lookup by path
 * and one by method, with no key string built per request.
 */
@Component
public class RouteTable {

    private volatile Map<String, Map<String, Route>> byPath = Map.of();

    /** The route for this method and path, or null. */
    public Route lookup(String method, String path) {
        Map<String, Route> methods = byPath.get(path);
        return methods == null ? null : methods.get(method);
    }

    /** Methods that have a route on this path (for 405's Allow header); empty when the path is unknown. */
    public Set<String> methodsFor(String path) {
        Map<String, Route> methods = byPath.get(path);
        return methods == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(methods.keySet()));
    }

    /** Whether a function of this name has a route now (not the request path: reads and the API). */
    public boolean hasFunction(String name) {
        for (Map<String, Route> methods : byPath.values()) {
            for (Route r : methods.values()) {
                if (r.descriptor().name().equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    public List<Route> all() {
        List<Route> routes = new ArrayList<>();
        byPath.values().forEach(m -> routes.addAll(m.values()));
        return routes;
    }

    /** Replaces every route at once (the sync's full reload). */
    public synchronized void replaceAll(Collection<Route> routes) {
        Map<String, Map<String, Route>> next = new HashMap<>();
        for (Route r : routes) {
            next.computeIfAbsent(r.path(), p -> new HashMap<>()).put(r.method(), r);
        }
        publish(next);
    }

    /** Adds or replaces one route, visible to the next request. */
    public synchronized void put(Route route) {
        Map<String, Map<String, Route>> next = copy();
        next.computeIfAbsent(route.path(), p -> new HashMap<>()).put(route.method(), route);
        publish(next);
    }

    /** Removes the route of this method and path, if any. */
    public synchronized void remove(String method, String path) {
        Map<String, Map<String, Route>> next = copy();
        Map<String, Route> methods = next.get(path);
        if (methods != null) {
            methods.remove(method);
            if (methods.isEmpty()) {
                next.remove(path);
            }
        }
        publish(next);
    }

    private Map<String, Map<String, Route>> copy() {
        Map<String, Map<String, Route>> next = new HashMap<>();
        byPath.forEach((path, methods) -> next.put(path, new HashMap<>(methods)));
        return next;
    }

    private void publish(Map<String, Map<String, Route>> next) {
        Map<String, Map<String, Route>> frozen = new HashMap<>();
        next.forEach((path, methods) -> frozen.put(path, Map.copyOf(methods)));
        byPath = Map.copyOf(frozen);
    }
}
