package org.faasj.worker.exec;

/**
 * Heap for function output, shared by every call of the worker. 32 calls at the 6 MB output cap
 * would need 192 MB, more than the worker's whole heap; instead each call charges its output
 * buffers (and the copy the JSON wrapping makes) here as they grow, and a call that finds the
 * budget spent is stopped and answered 503 with Retry-After, rather than the worker running out of
 * memory with every call in it.
 */
public final class OutputBudget {

    /** The 503's detail when a call's output does not fit. */
    public static final String SPENT = "the worker has no memory left for more function output right now, retry shortly";

    /** A budget nobody runs out of (tests, tools). */
    public static final OutputBudget UNLIMITED = new OutputBudget(Long.MAX_VALUE);

    private final long capacity;
    private long used;

    public OutputBudget(long capacityBytes) {
        this.capacity = capacityBytes;
    }

    /** The budget for workers with this heap: the part neither WASM share (2/5 + 2/5) claims, plus a little. */
    public static OutputBudget forHeap(long maxHeapBytes) {
        return new OutputBudget(Math.max(16L << 20, maxHeapBytes * 3 / 10));
    }

    public Account open() {
        return new Account();
    }

    public synchronized long used() {
        return used;
    }

    public long capacity() {
        return capacity;
    }

    private synchronized boolean take(long bytes) {
        if (bytes > capacity - used) {
            return false;
        }
        used += bytes;
        return true;
    }

    private synchronized void give(long bytes) {
        used -= bytes;
    }

    /** What one call holds; closing it gives everything back (after its answer is written). */
    public final class Account implements AutoCloseable {

        private long held;

        private Account() {
        }

        /** Takes {@code bytes} more, or nothing and false when the budget cannot spare them. */
        public boolean tryCharge(long bytes) {
            if (bytes <= 0) {
                return true;
            }
            if (!take(bytes)) {
                return false;
            }
            synchronized (this) {
                held += bytes;
            }
            return true;
        }

        /** Gives back {@code bytes} no longer needed (a buffer replaced by a larger one). */
        public void refund(long bytes) {
            long back;
            synchronized (this) {
                back = Math.min(bytes, held);
                held -= back;
            }
            give(back);
        }

        @Override
        public void close() {
            long back;
            synchronized (this) {
                back = held;
                held = 0;
            }
            give(back);
        }
    }
}
