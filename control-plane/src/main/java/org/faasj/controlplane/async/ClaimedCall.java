package org.faasj.controlplane.async;

import org.faasj.controlplane.gateway.LocalRequest;

/**
 * A call the dispatcher took from the queue to run now.
 *
 * @param attempt     this attempt's number, 1 for the first (already counted in the store)
 * @param maxAttempts attempts allowed in all
 * @param enqueuedAt  when the client stored the call, epoch millis
 * @param version     the function's version when the call was stored (0: unknown)
 */
public record ClaimedCall(String function, LocalRequest request, int attempt, int maxAttempts, long startedAt,
                          long enqueuedAt, int version) {

    public String callId() {
        return request.callId();
    }

    public boolean lastAttempt() {
        return attempt >= maxAttempts;
    }
}
