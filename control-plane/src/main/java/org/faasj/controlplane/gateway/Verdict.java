package org.faasj.controlplane.gateway;

import org.faasj.controlplane.routing.Route;

/**
 * What {@link Triage} decided for one request head: answer it here, relay it to Spring (a platform
 * path or an async enqueue), or hand it to a worker.
 */
sealed interface Verdict permits GatewayError, Verdict.Relay, Verdict.HandOff, Verdict.Enqueue {

    /** A platform path (console, API, actuator): relayed to Spring's loopback web server. */
    enum Relay implements Verdict {
        INSTANCE
    }

    /** A function call for a worker. */
    record HandOff(Route route) implements Verdict {
    }

    /**
     * An {@code /async-function/...} call of a deployed function: relayed to Spring (the async
     * package's controller stores it and answers 202) with the function's name, path unchanged.
     */
    record Enqueue(Route route) implements Verdict {
    }
}
