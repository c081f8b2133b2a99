package org.faasj.controlplane.gateway;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * When one event loop looks for connections past their deadline, which ones are, and what each
 * gets. Deadlines are checked a few times a second rather than kept in a timer structure: a
 * connection's deadline is then one field write on the hot path. Loop thread only.
 */
final class DeadlineSweep {

    /** What a connection past its deadline gets. */
    enum Outcome {
        /** A parked call's queue wait is over: 429 (see {@link CallAdmission#expire}), not 408. */
        QUEUE_WAIT_OVER,
        /** A client that started a head and stalled. */
        HEAD_TIMEOUT,
        /** Idle keep-alive, an answer not read in time, or a drain that lasted long enough: just closed. */
        CLOSE
    }

    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private long nextNanos;

    /** Whether a sweep is due at {@code now}; if so, the next one is due an interval later. */
    boolean due(long now) {
        if (now - nextNanos < 0) {
            return false;
        }
        nextNanos = now + INTERVAL_NANOS;
        return true;
    }

    /** The registered connections past their deadline (collected first: handling one may cancel keys). */
    static List<Connection> expired(Iterable<SelectionKey> keys, long now) {
        List<Connection> expired = new ArrayList<>();
        for (SelectionKey key : keys) {
            if (key.isValid() && key.attachment() instanceof Connection c && now - c.deadlineNanos > 0) {
                expired.add(c);
            }
        }
        return expired;
    }

    static Outcome outcome(Connection c) {
        if (c.parked) {
            return Outcome.QUEUE_WAIT_OVER;
        }
        if (!c.draining && c.pending == null && c.hasBufferedBytes()) {
            return Outcome.HEAD_TIMEOUT;
        }
        return Outcome.CLOSE;
    }
}
