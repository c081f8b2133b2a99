package org.faasj.controlplane.async;

import org.faasj.controlplane.gateway.LocalRequest;

/**
 * A call as the controller hands it to the queue.
 *
 * @param function    the function the route belonged to when the call came in
 * @param request     what will be replayed; its call id is the row's key
 * @param callbackUrl where the result is POSTed, or null
 * @param maxAttempts the first attempt plus the descriptor's {@code retries}
 * @param enqueuedAt  epoch millis
 * @param version     the function's version the route had when the call came in (0: unknown), so a
 *                    node that has not learned it yet does not run an older one
 */
public record NewCall(String function, LocalRequest request, String callbackUrl, int maxAttempts, long enqueuedAt,
                      int version) {

    public NewCall(String function, LocalRequest request, String callbackUrl, int maxAttempts, long enqueuedAt) {
        this(function, request, callbackUrl, maxAttempts, enqueuedAt, 0);
    }

    public String callId() {
        return request.callId();
    }
}
