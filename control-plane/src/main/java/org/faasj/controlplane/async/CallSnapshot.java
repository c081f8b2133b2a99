package org.faasj.controlplane.async;

/**
 * One stored call as the API shows it; times are epoch millis, 0 when not reached yet.
 *
 * @param result          the last attempt's answer (status null before any), kept after the end
 * @param callbackState   null without a callback URL, else pending, delivered or failed
 */
public record CallSnapshot(String callId, String function, CallState state, int attempts, int maxAttempts,
                           long enqueuedAt, long startedAt, long finishedAt, long nextRunAt, CallResult result,
                           String callbackUrl, String callbackState, int callbackAttempts, String callbackError) {
}
