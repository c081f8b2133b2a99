package org.faasj.controlplane.deploy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.faasj.model.FunctionDescriptor;

/**
 * A deployed function as the API shows it; {@code uri} repeats the route for the original's clients.
 * Its {@code env} may hold secrets (database passwords, API keys): callers without the admin token
 * see the {@link #redacted} view.
 */
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
        int retries,
        String deployedAt,
        String uri) {

    /** What every env value is shown as to a caller without the admin token. */
    static final String REDACTED = "<redacted>";

    /** The same view with every env value replaced, the names kept (they say what the function is configured with). */
    FunctionView redacted() {
        Map<String, String> hidden = new LinkedHashMap<>();
        env.keySet().forEach(name -> hidden.put(name, REDACTED));
        return new FunctionView(name, runtime, method, route, memory, timeout, tmp, processes, network, handler,
                hidden, version, concurrency, retries, deployedAt, uri);
    }

    static FunctionView of(FunctionDescriptor d, long updatedEpochSeconds) {
        return new FunctionView(d.name(), d.runtime().id(), d.method(), d.route(), d.memoryMb(), d.timeoutSeconds(),
                d.tmpMb(), d.processes(), d.network().id(), d.handler(), d.env(), d.version(),
                d.concurrency(), d.retries(),
                Instant.ofEpochSecond(updatedEpochSeconds).toString(), d.route());
    }
}
