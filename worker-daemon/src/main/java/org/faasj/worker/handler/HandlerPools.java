package org.faasj.worker.handler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * This worker's handler pools, one per function version it has frames for. The first frame of a
 * version newer than all the function's pools drains the older ones (idle processes stop now, busy
 * ones after their call), so a redeploy is answered by the new code at once and the old code's
 * processes do not linger.
 *
 * <p>A frame of an <em>older</em> version has two causes the worker cannot tell apart: a call routed
 * just before a redeploy (a late frame), or a rollback, after which every frame is of that older
 * version. Both get a pool of their own that is reused and drains nothing: after a rollback the
 * rolled-back version is pooled like any other, and after a late frame its one process stops at the
 * idle timeout. Draining the newer pool instead would make late frames during a redeploy under load
 * flip the function between two pools and restart its processes each time; making every older frame
 * a one-off (as before rollbacks existed) would start a process per call after a rollback.
 */
final class HandlerPools<M extends HandlerPool.Member> {

    /**
     * Per function, its pools by version. One lock for all: the critical sections are map lookups
     * (draining and reaping, which stop processes, run outside it).
     */
    private final Object lock = new Object();
    private final Map<String, NavigableMap<Integer, HandlerPool<M>>> pools = new HashMap<>(); // guarded by lock
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
        List<HandlerPool<M>> replaced = new ArrayList<>(0);
        HandlerPool<M> pool;
        synchronized (lock) {
            NavigableMap<Integer, HandlerPool<M>> byVersion = pools.computeIfAbsent(function, name -> new TreeMap<>());
            pool = byVersion.get(version);
            if (pool == null) {
                pool = new HandlerPool<>(function, version, sizeFor(concurrency), maxCalls, idleNanos, clock);
                if (!byVersion.isEmpty() && byVersion.lastKey() < version) {
                    replaced.addAll(byVersion.values());
                    byVersion.clear();
                }
                byVersion.put(version, pool);
            }
        }
        replaced.forEach(HandlerPool::drain);
        return pool;
    }

    /**
     * Stops idle-expired processes everywhere and forgets pools with none left. A forgotten pool is
     * drained: a call that got it from {@link #poolFor} just before is then served by a process that
     * stops after it, instead of one that no reaping would ever find.
     */
    void reapIdle() {
        allPools().forEach(HandlerPool::reapIdle);
        List<HandlerPool<M>> forgotten = new ArrayList<>();
        synchronized (lock) {
            pools.values().forEach(byVersion -> byVersion.values().removeIf(pool -> {
                boolean empty = pool.live() == 0;
                if (empty) {
                    forgotten.add(pool);
                }
                return empty;
            }));
            pools.values().removeIf(Map::isEmpty);
        }
        forgotten.forEach(HandlerPool::drain);
    }

    /** Processes alive in the current pools (tests and diagnostics). */
    int live() {
        return allPools().stream().mapToInt(HandlerPool::live).sum();
    }

    /** The versions the function has pools for now (tests and diagnostics). */
    List<Integer> versions(String function) {
        synchronized (lock) {
            NavigableMap<Integer, HandlerPool<M>> byVersion = pools.get(function);
            return byVersion == null ? List.of() : List.copyOf(byVersion.keySet());
        }
    }

    /** The worker stops: every idle process now (busy ones are killed with the fork server). */
    void close() {
        List<HandlerPool<M>> all = allPools();
        synchronized (lock) {
            pools.clear();
        }
        all.forEach(HandlerPool::drain);
    }

    private List<HandlerPool<M>> allPools() {
        synchronized (lock) {
            List<HandlerPool<M>> all = new ArrayList<>();
            pools.values().forEach(byVersion -> all.addAll(byVersion.values()));
            return all;
        }
    }
}
