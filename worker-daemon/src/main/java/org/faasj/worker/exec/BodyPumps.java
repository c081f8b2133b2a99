package org.faasj.worker.exec;

import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Threads that copy request bodies from client sockets to functions, at most {@code max} at once.
 * A runner reserves a pump before it starts the function, so when all are busy the call is refused
 * cleanly (503) instead of running without its body or queueing behind clients that may never send.
 * A pump ends when its body is read, when the client stops (end of stream, or the body read timeout),
 * or when the runner abandons the body; so the pool drains by itself.
 */
public final class BodyPumps implements AutoCloseable {

    /** Bodies up to this size that are already in memory are handed to the function directly, without a pump. */
    public static final int INLINE_BODY_MAX = 64 * 1024;

    private final Semaphore permits;
    private final ThreadPoolExecutor threads;

    public BodyPumps(int max, ThreadFactory factory) {
        this.permits = new Semaphore(max);
        // the queue never holds more than the permits allow; idle threads go away after a while
        this.threads = new ThreadPoolExecutor(max, max, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        threads.allowCoreThreadTimeOut(true);
    }

    /** A place for one pump, or null when all are taken. */
    public Reservation tryReserve() {
        return permits.tryAcquire() ? new Reservation() : null;
    }

    /** Pumps running or reserved now. */
    public int busy() {
        return threads.getMaximumPoolSize() - permits.availablePermits();
    }

    /** Threads alive in the pool now (running or idle). */
    public int threads() {
        return threads.getPoolSize();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    /** One reserved pump: start it once, or cancel it. */
    public final class Reservation {

        private boolean used;

        private Reservation() {
        }

        /** Runs the task on a pump thread; the place is given back when the task ends. */
        public Future<?> start(Runnable task) {
            use();
            try {
                return threads.submit(() -> {
                    try {
                        task.run();
                    } finally {
                        permits.release();
                    }
                });
            } catch (RuntimeException e) {
                permits.release();
                throw e;
            }
        }

        /** Gives the place back without using it. */
        public void cancel() {
            if (!used) {
                used = true;
                permits.release();
            }
        }

        private void use() {
            if (used) {
                throw new IllegalStateException("reservation already used");
            }
            used = true;
        }
    }
}
