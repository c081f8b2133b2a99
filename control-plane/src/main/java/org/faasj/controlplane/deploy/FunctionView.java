package org.faasj.controlplane.deploy;

import java.time.Instant;
import java.util.Map;

import org.faasj.model.FunctionDescriptor;

/** A deployed function as the API shows it; {@code uri} repeats the route for the original's clients. */
record FunctionView(
        String name,
        String runtime,
        String method,
        String route,
        int memory,
        int timeout,
        int tmp,
        int processes,
        String network,
        String handler,
        Map<String, String> env,
        int version,
        int concurrency,
        String deployedAt,
        String uri) {

    static FunctionView of(FunctionDescriptor d, long updatedEpochSeconds) {
        return new FunctionView(d.name(), d.runtime().id(), d.method(), d.route(), d.memoryMb(), d.timeoutSeconds(),
                d.tmpMb(), d.processes(), d.network().id(), d.handler(), d.env(), d.version(),
                d.concurrency(),
                Instant.ofEpochSecond(updatedEpochSeconds).toString(), d.route());
    }
}
