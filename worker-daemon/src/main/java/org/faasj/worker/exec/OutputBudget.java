package org.faasj.worker.exec;

import java.util.concurrent.TimeUnit;

/**
 * Heap for function output, shared by every call of the worker. 32 calls at the 6 MB output cap
 * would need 192 MB, more than the worker's whole heap; instead each call charges its output
 * buffers (and the copy the JSON wrapping makes) here. A call waits a while for others to give
 * bytes back; one that still finds the budget spent is stopped and answered 503 with Retry-After,
 * rather than the worker running out of memory with every call in it. A call never waits while
 * holding more than a small buffer (see {@link OutputCapture}), so waiting calls cannot starve each
 * other.
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

    /** How long a call waits for room: a while, never most of its own timeout. */
    public static long waitNanos(int timeoutMillis) {
        return TimeUnit.MILLISECONDS.toNanos(Math.min(5_000, Math.max(0, timeoutMillis / 2)));
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

    private synchronized boolean take(long bytes, long waitNanos) throws InterruptedException {
        long deadline = System.nanoTime() + waitNanos;
        while (bytes > capacity - used) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || bytes > capacity) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        used += bytes;
        return true;
    }

    private synchronized void give(long bytes) {
        used -= bytes;
        if (bytes > 0) {
            notifyAll();
        }
    }

    /** What one call holds; closing it gives everything back (after its answer is written). */
    public final class Account implements AutoCloseable {

        private long held;
        private long prepaid;

        private Account() {
        }

        /** Takes {@code bytes} more, or nothing and false when the budget cannot spare them now. */
        public boolean tryCharge(long bytes) {
            return charge(bytes, 0);
        }

        /**
         * Takes {@code bytes} more, waiting up to {@code waitNanos} for other calls to give some
         * back; false (nothing taken) if they did not in time.
         */
        public boolean charge(long bytes, long waitNanos) {
            if (bytes <= 0) {
                return true;
            }
            try {
                if (!take(bytes, waitNanos)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            synchronized (this) {
                held += bytes;
            }
            return true;
        }

        /** Of what this call holds, {@code bytes} were taken for the JSON wrapping of its output (see {@link #prepaid}). */
        public synchronized void markPrepaid(long bytes) {
            prepaid = Math.min(held, prepaid + bytes);
        }

        /** Bytes taken ahead of time for the wrapping; the wrapping then charges only what goes beyond. */
        public synchronized long prepaid() {
            return prepaid;
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
                prepaid = 0;
            }
            give(back);
        }
    }
}
