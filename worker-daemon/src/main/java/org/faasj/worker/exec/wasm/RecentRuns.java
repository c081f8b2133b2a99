package org.faasj.worker.exec.wasm;

import java.util.concurrent.ConcurrentHashMap;

import org.faasj.model.HandoffFrame;

/**
 * How long each function's latest WASM call took on this worker, for guessing whether its next call
 * is quick enough to run on the hand-off reader's thread ({@link WasmRunner#runsQuickly}): it is when
 * the latest call of the same version, on a module version still cached (so no compilation), used
 * at most {@link #QUICK_CPU_MICROS} of CPU and ended within {@link #QUICK_WALL_MICROS}. One slow call
 * turns the guess off until a call, run on an invoke thread then, is quick again.
 *
 * <p>CPU time rather than wall time, because on a loaded machine a short call is often preempted
 * (at load 15 on 2 cores a fifth of the calls went to the pool on a 1 ms wall-time rule, each
 * holding its instance, so the next calls found none idle either); the wall-time bound still keeps
 * a guest that sleeps off the reader. Whether an instance is idle does not matter: a new one costs
 * about 130 µs, and counting on idle ones made the pool-bound calls cascade the same way.
 */
final class RecentRuns {

    /** A reset instance and a small guest take 20-40 µs; a millisecond leaves room without holding a reader up. */
    static final long QUICK_CPU_MICROS = 1_000;
    static final long QUICK_WALL_MICROS = 20_000;
    /** Functions remembered at most: forgetting all is harmless, the next calls simply run on the pool. */
    static final int MAX_FUNCTIONS = 4096;

    private static final class Latest {
        final int version;
        final WasmInstancePool instances;
        volatile boolean quick;

        Latest(int version, WasmInstancePool instances) {
            this.version = version;
            this.instances = instances;
        }
    }

    private final ConcurrentHashMap<String, Latest> byFunction = new ConcurrentHashMap<>();

    /**
     * A call of {@code frame}'s function version on {@code instances}' module took {@code wallMicros},
     * {@code cpuMicros} of it on the CPU (-1 when the JVM cannot tell: then the wall time counts).
     */
    void ran(HandoffFrame frame, WasmInstancePool instances, long wallMicros, long cpuMicros) {
        Latest latest = byFunction.get(frame.functionName());
        if (latest == null || latest.version != frame.functionVersion() || latest.instances != instances) {
            if (byFunction.size() >= MAX_FUNCTIONS) {
                byFunction.clear();
            }
            latest = new Latest(frame.functionVersion(), instances);
            byFunction.put(frame.functionName(), latest);
        }
        long cpu = cpuMicros < 0 ? wallMicros : cpuMicros;
        latest.quick = cpu <= QUICK_CPU_MICROS && wallMicros <= QUICK_WALL_MICROS;
    }

    boolean quick(HandoffFrame frame) {
        Latest latest = byFunction.get(frame.functionName());
        return latest != null && latest.version == frame.functionVersion() && latest.quick
                && !latest.instances.retired();
    }
}
