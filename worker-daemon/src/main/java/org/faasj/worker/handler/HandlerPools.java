package org.faasj.worker.handler;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * This worker's handler pools, one per function name for its newest version seen. A frame of a
 * newer version drains the older pool (idle processes stop now, busy ones after their call), so a
 * redeploy is answered by the new code at once. A late frame of an older version gets a pool of
 * its own that is drained from the start: its one process serves that call and stops.
 */
final class HandlerPools<M extends HandlerPool.Member> {

    private final Map<String, HandlerPool<M>> current = new ConcurrentHashMap<>();
    private final int defaultSize;
    private final int maxCalls;
    private final long idleNanos;
    private final LongSupplier clock;

    HandlerPools(int defaultSize, int maxCalls, long idleNanos, LongSupplier clock) {
        this.defaultSize = defaultSize;
        this.maxCalls = maxCalls;
        this.idleNanos = idleNanos;
        this.clock = clock;
    }

    /** The descriptor's concurrency when it sets one: no more calls of it run at once anyway. */
    int sizeFor(int concurrency) {
        return concurrency > 0 ? concurrency : defaultSize;
    }

    HandlerPool<M> poolFor(String function, int version, int concurrency) {
        HandlerPool<M>[] replaced = newArray();
        HandlerPool<M> pool = current.compute(function, (name, old) -> {
            if (old != null && old.version() >= version) {
                return old;
            }
            replaced[0] = old;
            return new HandlerPool<>(name, version, sizeFor(concurrency), maxCalls, idleNanos, clock);
        });
        if (replaced[0] != null) {
            replaced[0].drain();
        }
        if (pool.version() == version) {
            return pool;
        }
        HandlerPool<M> stale = new HandlerPool<>(function, version, 1, 1, idleNanos, clock);
        stale.drain();
        return stale;
    }

    @SuppressWarnings("unchecked")
    private static <M extends HandlerPool.Member> HandlerPool<M>[] newArray() {
        return (HandlerPool<M>[]) new HandlerPool<?>[1];
    }

    /** Stops idle-expired processes everywhere and forgets pools with none left. */
    void reapIdle() {
        for (HandlerPool<M> pool : List.copyOf(current.values())) {
            pool.reapIdle();
            current.computeIfPresent(pool.function(), (name, p) -> p == pool && p.live() == 0 ? null : p);
        }
    }

    /** Processes alive in the current pools (tests and diagnostics). */
    int live() {
        return current.values().stream().mapToInt(HandlerPool::live).sum();
    }

    /** The worker stops: every idle process now (busy ones are killed with the fork server). */
    void close() {
        current.values().forEach(HandlerPool::drain);
        current.clear();
    }
}
