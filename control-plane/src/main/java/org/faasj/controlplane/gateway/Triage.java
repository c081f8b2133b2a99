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

    private Triage() {
    }

    static Verdict decide(RequestHead head, RouteTable routes, long maxBodyBytes) {
        String path = head.path();
        if (ReservedPaths.isReserved(path)) {
            return Verdict.Relay.INSTANCE;
        }
        Route route = routes.lookup(head.method(), path);
        if (route == null) {
            return unrouted(head, routes);
        }
        // no 411: a chunked body is handed off and decoded by the worker, which
        // applies the body limit to the decoded length (issue 14, item 8)
        if (head.contentLength() > maxBodyBytes) {
            return new GatewayError(413, "request body of " + head.contentLength() + " bytes is larger than the limit of "
                    + maxBodyBytes + " bytes", Map.of("limit", maxBodyBytes), null, false);
        }
        return new Verdict.HandOff(route);
    }

    private static GatewayError unrouted(RequestHead head, RouteTable routes) {
        Set<String> allowed = routes.methodsFor(head.path());
        if (allowed.isEmpty()) {
            return new GatewayError(404, "no function is deployed at " + head.path(),
                    Map.of("method", head.method(), "path", head.path()), null, true);
        }
        return new GatewayError(405, head.method() + " is not allowed on " + head.path(),
                Map.of("allowed", allowed), "Allow: " + String.join(", ", allowed), true);
    }
}
