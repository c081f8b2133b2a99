package org.faasj.controlplane.async;

/**
 * A finished call whose result is due at its callback URL.
 *
 * @param attempts   callback POSTs made before this one
 * @param durationMillis the last attempt's run time, for {@code X-Duration-Seconds}
 */
public record PendingCallback(String callId, String function, String url, CallResult result, int attempts,
                              long durationMillis) {
}
