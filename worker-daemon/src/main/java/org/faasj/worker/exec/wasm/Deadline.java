package org.faasj.worker.exec.wasm;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts a thread running an in-process guest once its time is up, and again every
 * {@link #REPEAT_MILLIS} until disarmed: blocking reads (a pipe's) swallow one interrupt, so a single
 * one could be lost. Disarming is final and clears the interrupt this deadline caused, so the pool
 * thread goes back clean to the next request.
 */
final class Deadline {

    static final long REPEAT_MILLIS = 50;

    private final Thread thread;
    private ScheduledFuture<?> timer;
    private boolean armed = true;
    private boolean fired;

    private Deadline(Thread thread) {
        this.thread = thread;
    }

    static Deadline arm(ScheduledExecutorService scheduler, Thread thread, int timeoutMillis) {
        Deadline deadline = new Deadline(thread);
        deadline.timer = scheduler.scheduleWithFixedDelay(deadline::fire, timeoutMillis, REPEAT_MILLIS,
                TimeUnit.MILLISECONDS);
        return deadline;
    }

    private synchronized void fire() {
        if (armed) {
            fired = true;
            thread.interrupt();
        }
    }

    /** Stops the deadline; true if it fired. Must be called on the guarded thread. */
    synchronized boolean disarm() {
        if (armed) {
            armed = false;
            timer.cancel(false);
            if (fired) {
                Thread.interrupted();
            }
        }
        return fired;
    }
}
