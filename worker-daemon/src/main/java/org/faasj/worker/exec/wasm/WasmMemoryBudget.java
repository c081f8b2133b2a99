package org.faasj.worker.exec.wasm;

import java.util.concurrent.atomic.AtomicLong;

import com.dylibso.chicory.runtime.alloc.MemAllocStrategy;

/**
 * The share of the worker's heap that WASM linear memories may take together.
 *
 * <p>Chicory keeps a module's linear memory in a Java byte array, so 32 concurrent calls each growing
 * towards a 128 MB descriptor limit would take the worker's heap (-Xmx128m by default) and the worker
 * with it. Every allocation of a linear memory is charged here first; a call whose growth does not
 * fit fails on its own with {@link Exhausted} (answered 500), and the worker keeps serving.
 * A grow copies the old buffer into the new one, so both are charged until the call ends:
 * conservative, and at most twice the final size because buffers double.
 */
public final class WasmMemoryBudget {

    /** Thrown from inside a guest's {@code memory.grow} (or instantiation) when the budget is spent. */
    public static final class Exhausted extends RuntimeException {
        Exhausted(String message) {
            super(message, null, false, false);
        }
    }

    private final long limitBytes;
    private final AtomicLong used = new AtomicLong();

    public WasmMemoryBudget(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }

    public long usedBytes() {
        return used.get();
    }

    /** One call's allocations: hand {@link #strategy(int)} to the memory, {@link #close()} when the call ends. */
    public Lease lease() {
        return new Lease();
    }

    public final class Lease implements AutoCloseable {
        private long charged;

        /** Grows buffers by doubling like Chicory's default, never past {@code maxBytes}, charging each. */
        public MemAllocStrategy strategy(int maxBytes) {
            return new MemAllocStrategy() {
                @Override
                public int initial(int min) {
                    charge(min);
                    return min;
                }

                @Override
                public int next(int current, int target) {
                    int next = Math.max(current, 1);
                    while (next < target && next < maxBytes) {
                        next = next << 1;
                        if (next < 0) {
                            next = maxBytes;
                        }
                    }
                    next = Math.min(maxBytes, Math.max(next, target));
                    charge(next);
                    return next;
                }
            };
        }

        private void charge(long bytes) {
            long after = used.addAndGet(bytes);
            if (after > limitBytes) {
                used.addAndGet(-bytes);
                throw new Exhausted("the worker's memory for WASM is exhausted (" + (limitBytes >> 20)
                        + " MB shared by all running calls); this call needed " + ((charged + bytes) >> 20) + " MB");
            }
            charged += bytes;
        }

        @Override
        public void close() {
            used.addAndGet(-charged);
            charged = 0;
        }
    }
}
