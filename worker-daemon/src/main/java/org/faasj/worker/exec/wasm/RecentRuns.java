package org.faasj.worker.exec.wasm;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.faasj.model.HandoffFrame;

/**
 * How long each function's latest WASM call took on this worker, for guessing whether its next call
 * is quick enough to run on the hand-off reader's thread ({@link WasmRunner#runsQuickly}): it is when
 * the latest call of the same version took at most {@link #QUICK_NANOS} and an idle instance is
 * waiting (so no compilation and no instantiation). One slow call turns the guess off until a call,
 * run on an invoke thread then, is quick again.
 */
final class RecentRuns {

    /** A reset instance and a small guest take 20-40 µs; a millisecond leaves room without holding a reader up. */
    static final long QUICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Functions remembered at most: forgetting all is harmless, the next calls simply run on the pool. */
    static final int MAX_FUNCTIONS = 4096;

    private static final class Latest {
        final int version;
        final WasmInstancePool instances;
        volatile long nanos;

        Latest(int version, WasmInstancePool instances) {
            this.version = version;
            this.instances = instances;
        }
    }

    private final ConcurrentHashMap<String, Latest> byFunction = new ConcurrentHashMap<>();

    /** A call of {@code frame}'s function version on a guest of {@code instances} took {@code nanos}. */
    void ran(HandoffFrame frame, WasmInstancePool instances, long nanos) {
        Latest latest = byFunction.get(frame.functionName());
        if (latest == null || latest.version != frame.functionVersion() || latest.instances != instances) {
            if (byFunction.size() >= MAX_FUNCTIONS) {
                byFunction.clear();
            }
            latest = new Latest(frame.functionVersion(), instances);
            byFunction.put(frame.functionName(), latest);
        }
        latest.nanos = nanos;
    }

    boolean quick(HandoffFrame frame) {
        Latest latest = byFunction.get(frame.functionName());
        return latest != null && latest.version == frame.functionVersion() && latest.nanos <= QUICK_NANOS
                && latest.instances.idleCount() > 0;
    }
}
