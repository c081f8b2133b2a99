package org.faasj.controlplane.gateway;

import java.nio.channels.SelectionKey;
import java.util.concurrent.TimeUnit;

/**
 * Whether one event loop still keeps connections alive after a request, and how long a connection
 * may take to send its next one. A graceful drain ({@link GatewayDrain}) or a stop ends keep-alive:
 * answers, hand-off frames and acks then close their connections, and an idle connection gets only
 * {@link #DRAIN_LINGER_NANOS} to send a last request. Loop thread only, except {@link #stop}.
 */
final class KeepAlive {

    /** An idle keep-alive connection is closed this soon after a drain begins. */
    static final long DRAIN_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final long headTimeoutNanos;
    private final long idleTimeoutNanos;
    private volatile boolean stopped;
    private boolean draining;

    KeepAlive(long headTimeoutNanos, long idleTimeoutNanos) {
        this.headTimeoutNanos = headTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    /** The loop is stopping; any thread may say so. */
    void stop() {
        stopped = true;
    }

    /** No connection is kept alive after its current request; idle ones get the linger time from {@code now}. */
    void startDrain(Iterable<SelectionKey> keys, long now) {
        draining = true;
        long closeBy = now + DRAIN_LINGER_NANOS;
        for (SelectionKey key : keys) {
            if (key.isValid() && key.attachment() instanceof Connection c && isIdle(c) && c.deadlineNanos - closeBy > 0) {
                c.deadlineNanos = closeBy;
            }
        }
    }

    boolean keepsConnections() {
        return !stopped && !draining;
    }

    /**
     * A pipelined request already begun must finish its head in time; an idle connection may wait
     * longer, unless a drain began (its answer was already promised keep-alive).
     */
    long nextRequestTimeout(Connection c) {
        if (c.hasBufferedBytes()) {
            return headTimeoutNanos;
        }
        return draining ? DRAIN_LINGER_NANOS : idleTimeoutNanos;
    }

    /** Waiting for nothing but the client's next request: no bytes of one, no answer still to write, not parked. */
    static boolean isIdle(Connection c) {
        return !c.parked && !c.draining && c.pending == null && !c.hasBufferedBytes();
    }
}
