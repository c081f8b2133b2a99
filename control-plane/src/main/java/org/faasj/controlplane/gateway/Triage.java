package org.faasj.controlplane.gateway;

import java.util.Map;
import java.util.Set;

import org.faasj.controlplane.routing.ReservedPaths;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.routing.RouteTable;

/**
 * Decides what happens to a parsed request head, from the head, the routes and the limits alone:
 * no I/O and no connection state, so every branch is unit-testable.
 */
final class Triage {

    /** OpenFaaS's prefix for a fire-and-forget call: {@code /async-function/<route path>}. */
    static final String ASYNC_PREFIX = "/async-function";

    private Triage() {
    }

    static Verdict decide(RequestHead head, RouteTable routes, long maxBodyBytes) {
        String path = head.path();
        if (path.startsWith(ASYNC_PREFIX)) { // one comparison for every other request, failing at its first bytes
            Verdict async = enqueue(head, path, routes, maxBodyBytes);
            if (async != null) {
                return async;
            }
        }
        if (ReservedPaths.isReserved(path)) {
            return Verdict.Relay.INSTANCE;
        }
        Route route = routes.lookup(head.method(), path);
        if (route == null) {
            return unrouted(head.method(), path, routes);
        }
        GatewayError tooLarge = tooLarge(head, maxBodyBytes);
        return tooLarge != null ? tooLarge : new Verdict.HandOff(route);
    }

    /**
     * An async call is judged like a sync call of its route (404, 405, 413 at once, before anything
     * is stored); only a call that would run is relayed to be enqueued.
     *
     * @return null when the path only begins like the prefix ({@code /async-functions}), an ordinary path
     */
    private static Verdict enqueue(RequestHead head, String path, RouteTable routes, long maxBodyBytes) {
        int end = ASYNC_PREFIX.length();
        if (path.length() > end && path.charAt(end) != '/') {
            return null;
        }
        String routePath = path.length() > end ? path.substring(end) : "/";
        Route route = routes.lookup(head.method(), routePath);
        if (route == null) {
            return unrouted(head.method(), routePath, routes);
        }
        GatewayError tooLarge = tooLarge(head, maxBodyBytes);
        return tooLarge != null ? tooLarge : new Verdict.Enqueue(route);
    }

    private static GatewayError tooLarge(RequestHead head, long maxBodyBytes) {
        // no 411: a chunked body is handed off and decoded by the worker, which
        // applies the body limit to the decoded length (issue 14, item 8)
        if (head.contentLength() > maxBodyBytes) {
            return new GatewayError(413, "request body of " + head.contentLength() + " bytes is larger than the limit of "
                    + maxBodyBytes + " bytes", Map.of("limit", maxBodyBytes), null, false);
        }
        return null;
    }

    private static GatewayError unrouted(String method, String path, RouteTable routes) {
        Set<String> allowed = routes.methodsFor(path);
        if (allowed.isEmpty()) {
            return new GatewayError(404, "no function is deployed at " + path,
                    Map.of("method", method, "path", path), null, true);
        }
        return new GatewayError(405, method + " is not allowed on " + path,
                Map.of("allowed", allowed), "Allow: " + String.join(", ", allowed), true);
    }
}
