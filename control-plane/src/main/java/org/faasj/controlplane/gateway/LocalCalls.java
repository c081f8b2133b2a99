package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.time.Duration;

/**
 * Runs a request the control plane holds itself (a queued async call) through the same path a
 * client's request takes: triage, concurrency limits, hand-off to a worker, sandbox, records and
 * logs. The caller blocks until the whole answer is read or {@code timeout} passes.
 */
public interface LocalCalls {

    /**
     * @param request the stored request; its call id travels as {@code X-Call-Id}
     * @param attempt 1 for the first try; the function sees it as {@code FAAS_ATTEMPT}
     * @param maxBodyBytes the most answer body kept; the rest is read and dropped ({@link LocalAnswer#truncated()})
     * @throws IOException when no answer came (connection refused or broken, timeout)
     */
    LocalAnswer call(LocalRequest request, int attempt, long maxBodyBytes, Duration timeout) throws IOException;
}
