package org.faasj.controlplane.gateway;

import org.faasj.controlplane.routing.Route;

/** What {@link Triage} decided for one request head: answer it here, relay it to Spring, or hand it to a worker. */
sealed interface Verdict permits GatewayError, Verdict.Relay, Verdict.HandOff {

    /** A platform path (console, API, actuator): relayed to Spring's loopback web server. */
    enum Relay implements Verdict {
        INSTANCE
    }

    /** A function call for a worker. */
    record HandOff(Route route) implements Verdict {
    }
}
